"""The Qt window: widgets and models that show state and forward intent; no maths here."""
from .main_window import MainWindow

__all__ = ["MainWindow"]
