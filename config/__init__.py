from config.settings import REPO_ROOT, Settings

__all__ = ["REPO_ROOT", "Settings"]
