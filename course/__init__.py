"""The `course` package behind the notebooks of "What Is an AI Researcher?"."""
__version__ = "0.1.0"
