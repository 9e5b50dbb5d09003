"""The REST boundary and the kernel-websocket hook of the nbguard server extension."""
