"""fieldapp: the Qt-free core of the outreach teams' app (domain, storage, services, CLI)."""

__version__ = "0.1.0"
