import os

# Real widgets, no screen: every UI test runs on Qt's offscreen platform.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
