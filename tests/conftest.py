"""Suite-wide test plugins: ``pytester`` runs generated test files in a subprocess
(the pytest plugin's tests, tests/plugin/)."""

pytest_plugins = ["pytester"]
