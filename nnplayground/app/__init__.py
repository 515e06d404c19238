"""Qt-free application state: the table document and its undo history, the session state, the loss
history, autosaves. Each piece of state has exactly one owner here; Qt widgets only show it, and all
of it is tested without a QApplication."""
