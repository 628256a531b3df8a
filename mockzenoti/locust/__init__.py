"""Locust users for soak runs beyond one process: many workers, one consistent Zenoti stream.

```python
# locustfile.py
from mockzenoti.locust import ZenotiUser

class Webhooks(ZenotiUser):
    host = "http://127.0.0.1:8080/zenoti"   # the webhook URL
    secret = "s3cret"
```

``locust -f locustfile.py --headless -u 20 -r 5 -t 1m --processes 2
--mockzenoti-report report.json``, or ``mockzenoti locust --url ...`` without a
locustfile. Importing this module imports Locust (and so gevent's monkey
patching); it never imports mockzenoti's asyncio code. See docs/soak.md.
"""

from __future__ import annotations

from mockzenoti.locust.user import ZenotiUser

__all__ = ["ZenotiUser"]
