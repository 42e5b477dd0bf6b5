"""The peers' scripts: the CLV work in lifetimes' and pymc-marketing's own venvs, run by path."""
