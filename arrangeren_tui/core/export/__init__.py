"""What leaves the program: the verslag (Markdown, HTML), the foto (SVG), invitations and
calendar files; ``formats`` is the one entry point per export format."""
