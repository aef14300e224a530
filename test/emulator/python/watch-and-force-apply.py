"""The official Python client against the sandbox: a watch streams events, and a forced server-side apply
takes over a field another manager owns. Prints one JSON line per step for the test to check."""
import json
import sys
import threading

from kubernetes import client, config, dynamic, watch
from kubernetes.client.rest import ApiException

config.load_kube_config(config_file=sys.argv[1], context="master")
api = client.CustomObjectsApi()
GROUP, VERSION, PLURAL = "kubermatic.k8c.io", "v1", "projects"
projects = dynamic.DynamicClient(client.ApiClient()).resources.get(api_version=f"{GROUP}/{VERSION}", kind="Project")


def project(name, display):
    return {"apiVersion": f"{GROUP}/{VERSION}", "kind": "Project", "metadata": {"name": name}, "spec": {"name": display}}


def apply(name, display, manager, force):
    # The dynamic client's server-side apply: PATCH application/apply-patch+yaml with force=True|False.
    dyn = projects.client
    return dyn.server_side_apply(projects, body=json.dumps(project(name, display)), name=name, field_manager=manager, force_conflicts=force).to_dict()


def out(**fields):
    print(json.dumps(fields), flush=True)


apply("py-watched", "first", "python-a", False)
listed = api.list_cluster_custom_object(GROUP, VERSION, PLURAL)
rv = listed["metadata"]["resourceVersion"]

events = []
w = watch.Watch()


def watching():
    for event in w.stream(api.list_cluster_custom_object, GROUP, VERSION, PLURAL, resource_version=rv, timeout_seconds=20):
        events.append((event["type"], event["object"]["metadata"]["name"], event["object"]["spec"]["name"]))
        if len(events) == 1:
            w.stop()


thread = threading.Thread(target=watching)
thread.start()
try:
    apply("py-watched", "conflicting", "python-b", False)
    out(step="apply-without-force", status=200)
except ApiException as e:
    out(step="apply-without-force", status=e.status, reason=json.loads(e.body).get("reason"))
forced = apply("py-watched", "forced", "python-b", True)
out(step="apply-with-force", spec=forced["spec"]["name"], managers=sorted(m["manager"] for m in forced["metadata"]["managedFields"]))
thread.join(25)
out(step="watch", events=events)
