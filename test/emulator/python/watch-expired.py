"""The official Python client against the emulator: a watch from a resourceVersion older than the history the
server keeps fails with 410 Gone, as a real apiserver's does (clients then list again). Prints one JSON line."""
import json
import sys

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

config.load_kube_config(config_file=sys.argv[1])
core = client.CoreV1Api()
old = core.list_namespaced_config_map("default").metadata.resource_version
for i in range(8):
    core.create_namespaced_config_map("default", {"metadata": {"name": f"py-churn-{i}"}, "data": {"i": str(i)}})
try:
    events = [e["type"] for e in watch.Watch().stream(core.list_namespaced_config_map, "default", resource_version=old, timeout_seconds=5)]
    print(json.dumps({"step": "watch-expired", "events": events}), flush=True)
except ApiException as e:
    print(json.dumps({"step": "watch-expired", "status": e.status}), flush=True)
