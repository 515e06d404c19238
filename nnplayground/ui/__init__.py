"""The Qt window: widgets and models that show state and forward intent; no maths here."""
