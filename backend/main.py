"""The ASGI entry point for uvicorn: `uvicorn backend.main:app`."""

from backend.app import create_app
from backend.core.allocator import keep_freed_memory

keep_freed_memory()
app = create_app()
