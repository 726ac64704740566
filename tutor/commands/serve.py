"""``nntutor serve [--host H] [--port P] [--class-dir DIR] [--max-learners N]``: the tutor in the browser.

Each browser tab runs its own tutor process (textual-serve draws its terminal with xterm.js); the first
screen asks the learner's name and keeps their progress in ``DIR/learners/<name>/``, which
``nntutor progress --class DIR`` reports on. Loopback only unless ``--host`` says otherwise, which
prints a warning: anyone who reaches the port can use the tutor and run code through the grader.

textual-serve is the optional ``serve`` extra; without it the command says how to install it.
"""

from __future__ import annotations

import argparse
import sys

from tutor.commands import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_CLASS_DIR = "nntutor-class"
DEFAULT_MAX_LEARNERS = 30
MAX_LEARNERS_LIMIT = 500
INSTALL_HINT = "pip install 'nntutor[serve]' (from a checkout: pip install '.[serve]')"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only; 0.0.0.0: every network)",
    )
    parser.add_argument("--port", default=str(DEFAULT_PORT), help=f"port (default {DEFAULT_PORT})")
    parser.add_argument(
        "--class-dir",
        default=DEFAULT_CLASS_DIR,
        metavar="DIR",
        help=f"the class folder: one progress per learner in DIR/learners/ (default ./{DEFAULT_CLASS_DIR}/)",
    )
    parser.add_argument(
        "--max-learners",
        default=str(DEFAULT_MAX_LEARNERS),
        metavar="N",
        help=f"sessions at once; one more gets a 'class is full' page (default {DEFAULT_MAX_LEARNERS})",
    )


def whole_number(text: str, option: str, low: int, high: int) -> int:
    """``text`` as an int in ``[low, high]``, else a one-line UsageError naming ``option``."""
    from tutor.commands.inputs import shown

    try:
        value = int(text.strip())
    except ValueError:
        raise UsageError(f"{option} must be a whole number, not {shown(text)!r}") from None
    if not low <= value <= high:
        raise UsageError(f"{option} must be between {low} and {high}, not {value}")
    return value


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def share_url(host: str, port: int) -> str:
    """The address to give learners: a wildcard host is replaced by this machine's address (or name)."""
    import socket

    shown_host = host
    if host in ("0.0.0.0", "::", ""):
        shown_host = socket.gethostname()
        try:  # this machine's own address, as its resolver knows it (/etc/hosts, no traffic)
            addresses = socket.gethostbyname_ex(shown_host)[2]
        except OSError:
            addresses = []
        outside = [address for address in addresses if not is_loopback(address)]
        if outside:
            shown_host = outside[0]
    elif ":" in host and not host.startswith("["):
        shown_host = f"[{host}]"
    return f"http://{shown_host}:{port}/"


def check_host(host: str) -> str:
    from tutor.commands.inputs import shown

    host = host.strip()
    if not host or not host.isprintable() or any(char.isspace() for char in host):
        raise UsageError(f"--host must be an address or a host name, not {shown(host)!r}")
    return host


def _can_listen(host: str, port: int) -> None:
    """Bind the address once, before anything is printed: a taken port or an unknown host is one line."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise UsageError(f"--host {host}: {error.strerror}") from None
    family, kind, protocol, _, address = infos[0]
    with socket.socket(family, kind, protocol) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def session_command(class_dir: str) -> str:
    """The shell command textual-serve runs for each tab: this Python, the tutor with the class."""
    import shlex

    return shlex.join([sys.executable, "-m", "tutor.serve.session", class_dir])


def run(args: argparse.Namespace) -> int:
    from tutor.commands.inputs import writable_folder

    host = check_host(args.host)
    port = whole_number(args.port, "--port", 1, 65535)
    max_learners = whole_number(args.max_learners, "--max-learners", 1, MAX_LEARNERS_LIMIT)
    class_dir = writable_folder(args.class_dir, option="--class-dir")
    try:
        from tutor.serve.server import ClassroomServer
    except ImportError as error:
        sys.stderr.write(
            f"nntutor serve: needs textual-serve, which is not installed ({error.name}): {INSTALL_HINT}\n"
        )
        return 1
    _can_listen(host, port)
    url = share_url(host, port)
    if not is_loopback(host):
        sys.stderr.write(
            f"warning: listening on {host}: anyone who can reach port {port} of this machine can use the "
            "tutor and run Python code through its grader. Serve on a network you trust, and give "
            f"your class this address: {url}\n"
        )
    server = ClassroomServer(
        session_command(str(class_dir)),
        host=host,
        port=port,
        max_learners=max_learners,
        share_url=url,
        title="nntutor",
    )
    print(f"Progress goes to {class_dir}/learners/; see it with: nntutor progress --class {class_dir}")
    sys.stdout.flush()
    try:
        server.serve()
    except OSError as error:
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return 0
