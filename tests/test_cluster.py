"""``build --scheduler``: the PDFs rendered on a Dask cluster are a local build's (issue 17).

A real ``distributed.LocalCluster`` (two worker processes, one thread each) on 127.0.0.1, the
real CLI, and a small project whose pages embed images: one from the output's assets/ (shipped
once a build), one named by its path inside the project (shipped with its chunk), and one
outside the project (refused here, and the refusal shipped: the same warning as locally).
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import subprocess
import threading
import time
import zlib
from pathlib import Path

import pytest

from conftest import cli, write_project

distributed = pytest.importorskip("distributed", reason="the extra relatierapport[dask] "
                                  "(the test extra installs it)")
import dask  # noqa: E402

AS_OF = "2026-11-01"
RELATIONS_HEADER = "id;name;kind;role;owner;category;since;city\n"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small one-colour PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def project_with_images(root: Path, relations: int = 3) -> Path:
    """``write_project`` with ``relations`` relations and a base.html that embeds three images."""
    rows = "".join(f"K{n};Relatie {n} BV;organisatie;opdrachtgever;M{1 + n % 2};{'ABC'[n % 3]};"
                   f"01-03-20{10 + n % 15};Utrecht\n" for n in range(1, relations + 1))
    config = write_project(root, relations=RELATIONS_HEADER + rows)
    (root / "templates" / "assets").mkdir(parents=True)
    (root / "templates" / "assets" / "logo.png").write_bytes(png(40, 20, (122, 31, 92)))
    (root / "data" / "stempel.png").write_bytes(png(16, 16, (20, 120, 60)))
    (root / "templates" / "base.html").write_text(
        '{% extends "builtin/base.html" %}{% block logo %}'
        '<img class="logo" src="{{ root }}assets/logo.png" alt="logo">'
        f'<img src="{(root / "data" / "stempel.png").as_uri()}" alt="stempel">'
        '<img src="file:///etc/hostname" alt="buiten">{% endblock %}', encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def cluster():
    """A scheduler and two single-threaded worker processes on 127.0.0.1 (the machine has 2 cores)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as local:
        yield local


def client_of(cluster):
    return distributed.Client(cluster.scheduler_address, set_as_default=False)


def pdf_pages(out: Path) -> dict[str, tuple[str, str]]:
    """Each PDF's words with their boxes (pdftotext -bbox-layout) and its images (pdfimages):
    its text and layout, without what differs between two folders (the links' absolute paths)."""
    found = {}
    for path in sorted(out.rglob("*.pdf")):
        layout = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True,
                                text=True, check=True).stdout
        images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                                check=True).stdout
        found[str(path.relative_to(out))] = (layout, images)
    return found


def other_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix != ".pdf"}


def build(config: Path, out: Path, *options: str):
    return cli("build", "--config", config, "--as-of", AS_OF, "--out", out, *options)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The project of these tests and its local build (``--jobs 1``): (config, output, CLI output)."""
    root = tmp_path_factory.mktemp("cluster")
    config = project_with_images(root / "project", relations=RELATIONS)
    local = build(config, root / "local", "--jobs", "1")
    assert local.exit_code == 0, local.output
    return config, root / "local", local.output


#: Relations of the test project: with the portfolio, 7 PDFs, 7 chunks of one on two workers.
RELATIONS = 6


@pytest.mark.needs("pdftotext", "pdfimages")
def test_a_build_on_a_cluster_gives_the_local_builds_reports(cluster, reference, tmp_path):
    config, local, output = reference
    remote = build(config, tmp_path / "cluster", "--scheduler", cluster.scheduler_address)
    assert remote.exit_code == 0, remote.output
    # report.json (with the warnings of rendering), the HTML, the calendars: byte for byte
    assert other_files(tmp_path / "cluster") == other_files(local)
    # the PDFs: the same words in the same places, the same images
    pages = pdf_pages(local)
    assert sorted(pages) == ["portfolio.pdf", *(f"relations/k{n}.pdf" for n in range(1, RELATIONS + 1))]
    assert pdf_pages(tmp_path / "cluster") == pages
    assert all(len(images.splitlines()) == 2 + 2 for _, images in pages.values())  # logo, stempel
    # the image outside the project was refused on both, with the same warning
    assert "/etc/hostname" in output and "outside the project" in output
    assert remote.output.replace(str(tmp_path / "cluster"), "OUT").split("built ")[0] == \
        output.replace(str(local), "OUT").split("built ")[0]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_scheduler_is_a_configuration_error_naming_the_address(project, tmp_path):
    address = f"tcp://127.0.0.1:{closed_port()}"
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        result = build(project, tmp_path / "out", "--format", "pdf", "--scheduler", address)
    assert result.exit_code == 2, result.output
    assert f"--scheduler: cannot reach the Dask scheduler at {address}" in result.output
    assert "dask scheduler" in result.output and f"dask worker {address}" in result.output
    assert not (tmp_path / "out").exists()


def test_the_scheduler_from_config_toml_is_named_by_its_line(tmp_path):
    address = f"tcp://127.0.0.1:{closed_port()}"
    config = write_project(tmp_path, extra_config=f'\n[build]\nscheduler = "{address}"\n')
    line = config.read_text(encoding="utf-8").splitlines().index(f'scheduler = "{address}"') + 1
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        result = build(config, tmp_path / "out", "--format", "pdf")
    assert result.exit_code == 2, result.output
    assert f"config.toml:{line}: [build] scheduler: cannot reach the Dask scheduler at {address}" \
        in result.output


def test_a_scheduler_without_workers_is_a_configuration_error(project, tmp_path):
    with distributed.LocalCluster(n_workers=0, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as empty, \
            dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        result = build(project, tmp_path / "out", "--format", "pdf", "--scheduler", empty.scheduler_address)
    assert result.exit_code == 2, result.output
    assert f"the Dask scheduler at {empty.scheduler_address} has no workers" in result.output


@pytest.mark.parametrize("address", ["foo://10.0.0.5:8786", "tcp://", "tcp://10.0.0.5 :8786"])
def test_a_malformed_address_is_a_usage_error(project, tmp_path, address):
    result = build(project, tmp_path / "out", "--scheduler", address)
    assert result.exit_code == 2
    assert "expected a Dask scheduler address" in result.output


def test_a_malformed_address_in_config_toml_is_a_configuration_error(tmp_path):
    config = write_project(tmp_path, extra_config='\n[build]\nscheduler = "10.0.0.5 8786"\n')
    result = cli("check", "--config", config)
    assert result.exit_code == 2
    assert "[build] scheduler: expected a Dask scheduler address" in result.output


@pytest.mark.needs("pdftotext", "pdfimages")
def test_a_worker_killed_during_the_build_costs_a_retry_not_the_build(cluster, reference, tmp_path):
    """SIGKILL to a worker process while it renders: the scheduler gives its chunks to the other
    worker (the nanny starts a new one), and the build ends as a local build would."""
    config, local, _ = reference
    with client_of(cluster) as watcher:
        watcher.wait_for_workers(2, timeout=60)
        pids = watcher.run(os.getpid)                    # worker address -> its process
        killed: list[int] = []

        def kill_a_busy_worker() -> None:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not killed:
                busy = [address for address, keys in watcher.processing().items()
                        if any("relatierapport-pdf" in str(key) for key in keys) and address in pids]
                if busy:
                    os.kill(pids[busy[0]], signal.SIGKILL)
                    killed.append(pids[busy[0]])
                time.sleep(0.05)

        killer = threading.Thread(target=kill_a_busy_worker)
        killer.start()
        remote = build(config, tmp_path / "cluster", "--scheduler", cluster.scheduler_address)
        killer.join()
        assert killed, "no worker was seen rendering"
        assert remote.exit_code == 0, remote.output
        watcher.wait_for_workers(2, timeout=60)          # the nanny started a new worker
        assert killed[0] not in watcher.run(os.getpid).values()
    assert other_files(tmp_path / "cluster") == other_files(local)
    assert pdf_pages(tmp_path / "cluster") == pdf_pages(local)


def test_what_a_page_names_is_shipped_and_what_its_text_says_is_not():
    from relatierapport.builtin.outputs.pdf_output.cluster import html_references

    page = ('<html><head><style>@page { background: url(a.png) } .x { background: url("b.png") }</style>'
            '<link rel="stylesheet" href=\'f.css\'></head><body>'
            '<p style="background: url(&quot;c.png&quot;)">Notitie: zie url(/etc/passwd) en '
            'src=&#34;data/relaties.csv&#34;</p><img src="d.png"><object data="g.svg"></object>'
            '<svg><image href="e.png"/><rect fill="url(#verloop)"/></svg><a href="k1.pdf">K1</a>'
            '</body></html>')
    assert sorted(html_references(page)) == ["a.png", "b.png", "c.png", "d.png", "e.png", "f.css", "g.svg"]
