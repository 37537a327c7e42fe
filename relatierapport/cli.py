"""The command line: thin click commands over build.py, check and the scaffold.

Exit codes: 0 success; 1 the data or a plugin failed; 2 usage or configuration
error. Heavy imports (polars, WeasyPrint) happen inside the commands so that
``--help`` stays instant.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from relatierapport import __version__

CONFIG_HELP = "The project's config.toml (default: ./config.toml)."


def _config_option(function):
    return click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
                        default=Path("config.toml"), show_default=True, help=CONFIG_HELP)(function)


def _disable_option(function):
    return click.option("--disable", "disable", multiple=True, metavar="PLUGIN",
                        help="Do not load this plugin (by name, as `relatierapport plugins` shows "
                             "it); repeat for several. Adds to [project] disable_plugins.")(function)


class ReportDate(click.ParamType):
    """A report date as YYYY-MM-DD or, as Dutch users write it, DD-MM-YYYY."""

    name = "date"
    FORMATS = (("%Y-%m-%d", "YYYY-MM-DD"), ("%d-%m-%Y", "DD-MM-YYYY"))

    def convert(self, value, param, ctx):
        import datetime as dt

        if isinstance(value, dt.date):
            return value
        for pattern, _ in self.FORMATS:
            try:
                return dt.datetime.strptime(value.strip(), pattern).date()
            except ValueError:
                continue
        shown = " or ".join(label for _, label in self.FORMATS)
        self.fail(f"expected a date as {shown} (e.g. 2026-11-01 or 01-11-2026), found {value!r}",
                  param, ctx)


AS_OF_HELP = ("The report date, YYYY-MM-DD or DD-MM-YYYY (default: [project] as_of in "
              "config.toml, else today).")


def _echo_warnings(warnings) -> None:
    """One line per distinct warning: the same one on many rows is counted, with its lines."""
    from relatierapport.errors import grouped

    for line in grouped(warnings):
        click.echo(f"warning: {line}", err=True)


def _config_lines(config_path: Path):
    from relatierapport.config import errors_located

    return errors_located(config_path)


def _scheduler_address(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    from relatierapport.config import scheduler_problem

    problem = scheduler_problem(value)
    if problem:
        raise click.BadParameter(f"{problem}, found {value!r}", ctx, param)
    return value


class _Group(click.Group):
    """Adds the commands of installed plugins (``register_commands``) when they are asked for."""

    _loaded = False

    def _load_plugin_commands(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        from relatierapport.builtin import COMMAND_PLUGINS
        from relatierapport.plugins import make_plugins
        try:
            plugins = make_plugins(None, builtins=COMMAND_PLUGINS)
        except click.ClickException:
            return  # the broken plugin is reported when a command that needs plugins runs
        for _ in plugins.call_each("register_commands", cli=self):
            pass

    def list_commands(self, ctx):
        self._load_plugin_commands()
        return super().list_commands(ctx)

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None:
            self._load_plugin_commands()
            command = super().get_command(ctx, name)
        return command


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="relatierapport")
def main() -> None:
    """Monthly relationship-management reports from your relation data."""


@main.command()
@_config_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Output folder (default: [project] output in config.toml, else site).")
@click.option("--format", "formats", multiple=True, metavar="FORMAT",
              help="html, pdf, ics (calendars) or json; repeat for several (default: html, pdf and "
                   "ics; report.json always).")
@click.option("--as-of", type=ReportDate(), metavar="DATE", help=AS_OF_HELP)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--jobs", type=click.IntRange(min=1), help="Parallel PDF workers (default: CPU count).")
@click.option("--clean", is_flag=True,
              help="Make every file anew; by default a PDF whose inputs did not change since the "
                   "last build is carried over from it.")
@click.option("--scheduler", metavar="ADDRESS", callback=_scheduler_address,
              help="Render the PDFs on a Dask cluster: its scheduler's address, e.g. "
                   "tcp://10.0.0.5:8786 (needs relatierapport[dask]; default: [build] scheduler in "
                   "config.toml, else this machine).")
@click.option("--summary", "summary_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write what the build did as JSON (counts, warnings, files; or the error) for CI.")
@_disable_option
def build(config_path: Path, out: Path | None, formats: tuple[str, ...], as_of, strict: bool,
          jobs: int | None, clean: bool, scheduler: str | None, summary_path: Path | None,
          disable: tuple[str, ...]) -> None:
    """Read, analyse and render the reports into the output folder."""
    from relatierapport import summary
    from relatierapport.build import BuildOptions, build as run_build

    started = time.monotonic()
    progress = sys.stderr.isatty()

    def on_stage(stage: str) -> None:
        if progress:
            click.echo(f"{stage}…", err=True)

    options = BuildOptions(config_path, as_of=as_of, strict=strict,
                           disable=disable, out=out, formats=formats, jobs=jobs, progress=progress,
                           clean=clean, scheduler=scheduler)
    try:
        with _config_lines(config_path):
            result = run_build(options, on_stage=on_stage)
    except click.ClickException as error:
        if summary_path:
            summary.write(summary_path, summary.failed(error))
        raise
    if summary_path:
        summary.write(summary_path, summary.succeeded(result))
    _echo_warnings(result.warnings)
    for notice in result.notices:           # about the machine, not the data: never --strict's
        click.echo(f"notice: {notice}", err=True)
    click.echo(summary.line(result, time.monotonic() - started))


@main.command()
@_config_option
@click.option("--as-of", type=ReportDate(), metavar="DATE", help=AS_OF_HELP)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@_disable_option
def check(config_path: Path, as_of, strict: bool, disable: tuple[str, ...]) -> None:
    """Validate config.toml and every source without rendering; list every problem."""
    from relatierapport.build import BuildOptions, prepare_report
    from relatierapport.errors import StrictError

    def list_sources(config, loaded) -> None:
        for summary in loaded.summaries:
            counts = ", ".join(f"{n} {table}" for table, n in summary.counts.items()) or "nothing"
            problems = f"; {len(summary.errors)} problem(s)" if summary.errors else ""
            skipped = f"; {len(summary.warnings)} skipped or doubtful" if summary.warnings else ""
            click.echo(f"{summary.label} ({summary.type}): {counts}{problems}{skipped}")
        if loaded.merges:
            click.echo(f"{len(loaded.merges)} relation(s) found in more than one source:")
            for merge in loaded.merges:
                click.echo(f"  {merge}")
        if loaded.errors:      # the data errors follow as the command's error
            _echo_warnings(config.warnings + loaded.warnings)

    options = BuildOptions(config_path, as_of=as_of, strict=strict,
                           disable=disable)
    with _config_lines(config_path):
        _, report = prepare_report(options, on_loaded=list_sources)
    _echo_warnings(report.warnings)
    if strict and report.warnings:
        raise StrictError(report.warnings)
    portfolio = report.portfolio
    click.echo(f"ok: {len(portfolio.relations)} relations, {portfolio.touchpoints.height} touchpoints, "
               f"{portfolio.business.height} business records; {len(report.warnings)} warning(s)")


@main.command("plugins")
@_config_option
@_disable_option
def list_plugins(config_path: Path, disable: tuple[str, ...]) -> None:
    """List the plugins, where each came from, its hooks and its options.

    Without a config.toml (or --config) only built-in and installed plugins are
    listed; with one, the project's plugins/ too, and what it disables.
    """
    from relatierapport.config import disabled_plugins, read_toml
    from relatierapport.plugins import SKIP_INSTALLED_ENV, make_plugins, skip_installed

    raw = read_toml(config_path) if config_path.exists() else {}
    root = config_path.parent.resolve() if config_path.exists() else None
    plugins = make_plugins(root, disabled_plugins(raw) | set(disable))
    groups: dict[str, list] = {}
    for plugin, group in plugins.collect("config_options", key="section"):
        groups.setdefault(plugin, []).append(group)
    for name, loaded in sorted(plugins.loaded.items()):
        click.echo(f"{name}  [{loaded.origin}]")
        click.echo(f"    hooks: {', '.join(plugins.hooks_of(name))}")
        for group in groups.get(name, []):
            click.echo(f"    options [{group.section}]: {', '.join(o.name for o in group.options)}")
    for name, origin in sorted(plugins.disabled.items()):
        click.echo(f"{name}  [{origin}]  disabled")
    if skip_installed():
        click.echo(f"installed packages' plugins are skipped ({SKIP_INSTALLED_ENV} is set)")
    from relatierapport.build import disable_warnings
    _echo_warnings(disable_warnings(plugins.warnings, raw, config_path) if raw else plugins.warnings)


@main.command()
def doctor() -> None:
    """Check this machine: Python, WeasyPrint and Pango, HarfBuzz subsetting, fonts.

    Says what to install (Debian package names) for what is missing. Exit code 0 when
    everything a build needs is there (advice may remain), 1 when something needed is missing.
    """
    from relatierapport.environment import checks

    found = checks()
    width = max(len(check.status) for check in found)
    for check in found:
        install = f"; install: apt-get install {' '.join(check.install)}" if check.install else ""
        click.echo(f"{check.status:<{width}}  {check.what}: {check.detail}{install}")
    missing = [check for check in found if check.fails]
    if missing:
        packages = " ".join(dict.fromkeys(p for check in missing for p in check.install))
        click.echo(f"relatierapport cannot make PDFs on this machine: apt-get install {packages}")
        raise SystemExit(1)
    advised = [check for check in found if check.status == "advised"]
    click.echo("everything a build needs is here" + (
        f"; advised: apt-get install {' '.join(p for check in advised for p in check.install)}"
        if advised else ""))


@main.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--name", default="Voorbeeld Werving & Selectie", show_default=True,
              help="Organisation name for the new project.")
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl", show_default=True,
              help="Language of config.toml's comments and of the reports ([project] language).")
def init(directory: Path, name: str, language: str) -> None:
    """Create a new project in DIRECTORY: config.toml, sample data, templates/ and plugins/."""
    from relatierapport.scaffold.init import init_project

    written = init_project(directory, name=name, language=language)
    click.echo(f"created {len(written)} files in {directory}; next: cd {directory} && relatierapport build")


@main.command("new-plugin")
@click.argument("name")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="The package folder to create (default: ./relatierapport-NAME).")
def new_plugin(name: str, out: Path | None) -> None:
    """Create an installable plugin package NAME (e.g. acme-score): pyproject.toml with the
    entry point, an analysis, a relation-plan section, its template and its tests."""
    from relatierapport.scaffold.new_plugin import scaffold_plugin

    folder, written = scaffold_plugin(name, out)
    click.echo(f"created {len(written)} files in {folder}; next:\n"
               f"  cd {folder}\n"
               f"  pip install -e \".[test]\"    # into the environment relatierapport runs in\n"
               f"  pytest\n"
               f"  relatierapport plugins")


@main.command()
@_config_option
@click.option("--dev-addr", "address", default="127.0.0.1:8000", show_default=True,
              metavar="HOST:PORT",
              help="Where to serve the preview. A loopback address only (127.0.0.1, ::1, "
                   "localhost) unless --allow-remote: the reports hold personal data and the "
                   "preview has no login.")
@click.option("--allow-remote", is_flag=True,
              help="Allow a --dev-addr that other machines can reach. Anyone who can reach it "
                   "reads every relation's report: use it only on a network you trust.")
@click.option("--format", "formats", multiple=True, metavar="FORMAT",
              help="As for build, but html is always made (it is what the browser shows); "
                   "default html only, for quick rebuilds. Add --format pdf for the PDFs.")
@click.option("--as-of", type=ReportDate(), metavar="DATE", help=AS_OF_HELP)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Build into this folder, inside the project folder or the configured output "
                   "folder itself (default: .preview/ in the project folder, removed when the "
                   "preview stops).")
@click.option("--jobs", type=click.IntRange(min=1), help="Parallel PDF workers (default: CPU count).")
@_disable_option
def serve(config_path: Path, address: str, allow_remote: bool, formats: tuple[str, ...], as_of,
          out: Path | None, jobs: int | None, disable: tuple[str, ...]) -> None:
    """Live preview: build, serve on 127.0.0.1 and rebuild on every change.

    Watches config.toml, the sources' files, templates/ and plugins/; the browser reloads after
    each build. A failed build keeps the last good reports on screen with the error above them.
    The preview never mails (the mail plugin is not loaded). Stop it with Ctrl-C.
    """
    import signal

    from relatierapport.errors import ConfigError, Problem
    from relatierapport.serve.preview import Preview, ServeOptions
    from relatierapport.serve.server import AddressError, is_loopback, parse_address

    try:
        host, _ = parse_address(address)
    except AddressError as exc:
        raise click.BadParameter(str(exc), param_hint="--dev-addr") from None
    remote = not is_loopback(host)
    if remote and not allow_remote:
        raise click.BadParameter(
            f"{host} is not a loopback address: the preview shows personal data without a login; "
            "use 127.0.0.1, or add --allow-remote if every machine that can reach it may read it",
            param_hint="--dev-addr")
    options = ServeOptions(config_path, address=address, check_host=not remote,
                           formats=tuple(dict.fromkeys(("html", *formats))), as_of=as_of, out=out, disable=disable,
                           jobs=jobs)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))   # cleans up as Ctrl-C does

    def echo(line: str) -> None:
        click.echo(line, err=True)

    with _config_lines(config_path):
        preview = Preview(options, echo=echo)
    try:
        with _config_lines(config_path):
            preview.start()
        click.echo(f"serving {preview.target} at {preview.url} (Ctrl-C to stop)", err=True)
        preview.serve()
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
