"""Built guest program binaries (``<name>.bin``) and their ``manifest.json``.

The files are produced by ``guest/build.py`` (``make guests``) and shipped
inside the wheel; they are not committed.
"""
