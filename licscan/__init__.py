"""licscan: licence compliance scanner for AI models on the Hugging Face Hub."""

__version__ = "0.2.0"
