"""Modal questions that dismiss with their answer: note, confirm, consent, evaluation, cards."""
