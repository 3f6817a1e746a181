"""supcheck: social work supervision compliance checks for employers in England."""

__version__ = "0.1.0"
