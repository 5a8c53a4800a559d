"""CollabBench code sandbox: run a program against its unittest TestCases, BigCodeBench style.

Protocol
    python sandbox_runner.py [--request FILE]
Reads one JSON request (from FILE, else standard input):
    {"program": str, "tests": str, "entry_point": str | null, "libraries": [str],
     "limits": {"wall_seconds": float, "cpu_seconds": int, "memory_bytes": int,
                "max_processes": int, "max_output_bytes": int, "max_file_bytes": int}}
and writes ONE JSON line on standard output:
    {"status": "pass" | "fail" | "error" | "timeout" | "skipped", "tests_run": int, "tests_finished": [str],
     "failures": [{"test", "kind", "message", "traceback"}], "missing_module": str | null,
     "missing_data": str | null, "detail": str, "duration_seconds": float, "output": str,
     "stdout": str, "stderr": str, "output_bytes": int, "isolation": {...}}
"skipped" means the environment, not the program, is at fault: a ModuleNotFoundError for a library
the task declares, the tests import, or BigCodeBench uses; or an NLTK/TextBlob corpus not found.

Semantics follow BigCodeBench's checker: the program text is `program + "\n" + tests`, executed
as a fresh module named `__test__` (with `sys`, `os` and `environ` pre-bound) inside an empty
temporary working directory, with TZ=UTC and one OpenMP thread, printed output swallowed, standard
input unreadable, `exit`/`quit` disabled, as an ordinary (non-root) user; then `unittest` runs
every test of `TestCases` and the program passes only if no test fails or errors. (A program that
crashes before the tests finish is "error" here; BigCodeBench counts that as a failure too.)

Unlike BigCodeBench's checker, a pass is not taken on the program's word. The harness records
each test's start, end and failures itself, and before the program runs it notes, by identity,
every name of the `unittest` modules and every method of the classes the verdict rests on (and,
before the first test, of `TestCases`): a program that replaced any of them (`TestCase.run`,
`TestResult.addFailure`, a later test method, ...) is "error", whatever its tests said. The
supervisor, a process the program never touches, reads the test methods `TestCases` declares from
the test code before the program starts and turns a "pass" into "error" unless every one of them
is reported as having run to the end ("tests_finished"); the harness also compares the tests that
started with those the loader found. (Code running in the same process can still forge a result
deliberately; this closes the ways that fool unittest by accident or by a one-line patch.)

Isolation, strongest available first (the result's "isolation" says what was in force):
  * processes: the program runs as its own unprivileged user id (when started as root; private
    folders on the interpreter's path, such as /root for a pyenv Python, are covered by a tmpfs
    holding only the interpreter) inside new user, PID, mount, IPC and network namespaces, with a
    private /proc and no capabilities. When the sandbox ends, its
    PID namespace ends, which kills every process the program started, even ones that changed
    session; if this supervisor is killed, the parent-death signal tears the namespace down too.
  * network: a fresh network namespace holding only a loopback interface.
  * limits (setrlimit in the child): CPU seconds, address space, processes, file size, no core.
Without namespaces it falls back to process groups, a child subreaper and a per-sandbox user id.
"""

import ctypes
import ctypes.util
import json
import os
import re
import resource
import selectors
import shutil
import signal
import sys
import tempfile
import time

# The harness's own references, taken when the runner starts, before any program code runs: a
# program that replaces `json.dumps`, `os.write` or `os._exit` does not change what these call.
_json_dumps = json.dumps
_os_write = os.write
_os_exit = os._exit

# -- Linux constants ---------------------------------------------------------------------------

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
LINUX_CAPABILITY_VERSION_3 = 0x20080522
INSIDE_ID = 65534  # "nobody" / "nogroup" inside the user namespace
MNT_DETACH = 2
PR_SET_CHILD_SUBREAPER = 36
SIOCSIFFLAGS = 0x8914
IFF_UP_LOOPBACK_RUNNING = 0x1 | 0x8 | 0x40

# Import names of the third-party libraries BigCodeBench tasks use. A ModuleNotFoundError for one
# of these (or for a library the task declares, or one the tests import) means the environment
# lacks it, and the run is reported as skipped rather than failed.
KNOWN_LIBRARIES = frozenset(
    """
    numpy pandas matplotlib sklearn scipy seaborn requests nltk pytz bs4 dateutil cv2 statsmodels
    django PIL rsa regex flask psutil cryptography flask_mail folium tensorflow xlwt wordcloud geopy
    sympy mechanize docx openpyxl texttable textblob xmltodict faker lxml wikipedia flask_restful
    flask_wtf wtforms flask_login werkzeug holidays skimage shapely geopandas librosa soundfile
    mpl_toolkits sendgrid python_http_client blake3 natsort keras prettytable Crypto pyquery gensim
    yaml Levenshtein wordninja pytesseract chardet docxtpl networkx numba xlrd requests_mock pyfakefs
    tkinter _tkinter turtle
    """.split()
)

DEFAULT_LIMITS = {
    "wall_seconds": 60.0,
    "cpu_seconds": 60,
    "memory_bytes": 4 * 1024**3,
    "max_processes": 128,
    "max_output_bytes": 64 * 1024,
    "max_file_bytes": 1024**3,
}

TRACEBACK_CHARS = 1500
MESSAGE_CHARS = 300

_libc = None


def libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return _libc


def _check(ret, what):
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))


def prctl(option, value):
    _check(libc().prctl(option, ctypes.c_ulong(value), 0, 0, 0), "prctl(%d)" % option)


def unshare(flags):
    _check(libc().unshare(ctypes.c_int(flags)), "unshare")


def mount(source, target, fstype, flags, data=None):
    _check(
        libc().mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        "mount %s" % target,
    )


def umount(target):
    _check(libc().umount2(target.encode(), ctypes.c_int(MNT_DETACH)), "umount %s" % target)


def write_file(path, text):
    with open(path, "w") as handle:
        handle.write(text)


def short(text, limit):
    text = text or ""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def tail(text, limit):
    text = text or ""
    return text if len(text) <= limit else "..." + text[-(limit - 3):]


# -- Child side: sandbox set-up ----------------------------------------------------------------


def child_environment(job, passthrough):
    """The program's whole environment: an allow-list, never the parent's secrets."""
    env = {}
    for name in ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        value = passthrough.get(name)
        if value is not None:
            env[name] = value
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.setdefault("LANG", "C.UTF-8")
    python_bin = os.path.dirname(sys.executable)
    if python_bin and python_bin not in env["PATH"].split(os.pathsep):
        env["PATH"] = python_bin + os.pathsep + env["PATH"]
    env.update(
        {
            "HOME": os.path.join(job, "home"),
            "TMPDIR": os.path.join(job, "tmp"),
            "TZ": "UTC",
            "OMP_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "TF_ENABLE_ONEDNN_OPTS": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONIOENCODING": "utf-8",
        }
    )
    for name in list(env):
        upper = name.upper()
        if "API" in upper or upper.endswith(("_KEY", "_TOKEN", "_SECRET")):
            del env[name]
    return env


def count_user_tasks(uid):
    """Threads currently owned by `uid` (RLIMIT_NPROC counts threads)."""
    total = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat("/proc/" + entry).st_uid == uid:
                    total += len(os.listdir("/proc/%s/task" % entry))
            except OSError:
                pass
    return total


def set_limits(limits, sandbox_uid):
    def set_limit(kind, value, hard=None):
        try:
            resource.setrlimit(kind, (value, value if hard is None else hard))
        except (ValueError, OSError):
            pass

    set_limit(resource.RLIMIT_CORE, 0)
    # SIGXCPU at the soft limit (reported as a timeout), SIGKILL a little later.
    set_limit(resource.RLIMIT_CPU, int(limits["cpu_seconds"]), int(limits["cpu_seconds"]) + 2)
    set_limit(resource.RLIMIT_AS, int(limits["memory_bytes"]))
    set_limit(resource.RLIMIT_FSIZE, int(limits["max_file_bytes"]))
    nproc = int(limits["max_processes"])
    if sandbox_uid is None:
        # Running as an ordinary user: the limit counts every process of that user.
        nproc += count_user_tasks(os.getuid())
    set_limit(resource.RLIMIT_NPROC, nproc)


def interpreter_paths():
    """Files and folders the program's interpreter must be able to read."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    paths.update(entry for entry in sys.path if entry and os.path.isdir(entry))
    paths.add(os.path.dirname(os.path.abspath(__file__)))
    return sorted({os.path.realpath(path) for path in paths})


def blocked_ancestor(path):
    """The highest folder on the way to `path` that other users may not enter, if any."""
    current = "/"
    for part in [p for p in path.split("/") if p]:
        if not os.stat(current).st_mode & 0o001:
            return current
        current = os.path.join(current, part)
    return None


def open_up_interpreter(job):
    """Let an unprivileged uid reach an interpreter that lives under a private folder.

    Runs as real root in a fresh mount namespace: each private folder on the way (such as /root
    for a pyenv Python) is covered with an empty tmpfs into which only the needed sub-folders are
    bound back, so the rest of that folder stays hidden from the program.
    """
    covered = []
    for _ in range(4):
        blocked = {}
        for path in interpreter_paths():
            folder = blocked_ancestor(path)
            if folder is not None:
                rest = os.path.relpath(path, folder).split("/")[0]
                blocked.setdefault(folder, set()).add(rest)
        if not blocked:
            return covered
        for index, (folder, children) in enumerate(sorted(blocked.items())):
            staged = []
            for number, child in enumerate(sorted(children)):
                stage = os.path.join(job, "stage-%d-%d" % (index, number))
                os.mkdir(stage, 0o700)
                mount(os.path.join(folder, child), stage, None, MS_BIND | MS_REC)
                staged.append((child, stage))
            mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=64k")
            for child, stage in staged:
                os.mkdir(os.path.join(folder, child), 0o755)
                mount(stage, os.path.join(folder, child), None, MS_BIND | MS_REC)
                umount(stage)
                os.rmdir(stage)
            covered.append(folder)
    raise OSError(0, "interpreter folders still out of reach: %s" % ", ".join(covered))


def drop_capabilities():
    """Leave the program no capability, not even inside its own user namespace."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    prctl(PR_SET_NO_NEW_PRIVS, 1)
    _check(libc().capset(ctypes.byref(Header(LINUX_CAPABILITY_VERSION_3, 0)), (Data * 2)()), "capset")


def bring_up_loopback():
    import fcntl
    import socket
    import struct

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH", b"lo", IFF_UP_LOOPBACK_RUNNING))


def die_with_parent(expected_parent):
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != expected_parent:
        os._exit(137)


def reset_signals():
    """Give the program the signal state a fresh interpreter has, whatever its parents set."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for number in signal.valid_signals():
        if number in (signal.SIGKILL, signal.SIGSTOP):
            continue
        if number in (signal.SIGPIPE, signal.SIGXFSZ):
            disposition = signal.SIG_IGN  # as CPython sets them at start-up
        elif number == signal.SIGINT:
            disposition = signal.default_int_handler
        else:
            disposition = signal.SIG_DFL
        try:
            signal.signal(number, disposition)
        except (OSError, ValueError, RuntimeError):
            pass


def child_main(request, job, fds, sandbox_uid, supervisor_pid, iso_w):
    """C1: drop privileges, enter namespaces, fork the namespace's init. Never returns."""
    out_w, err_w, res_w = fds
    try:
        reset_signals()
        os.setpgid(0, 0)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        low, high = sorted((res_w, iso_w))
        os.closerange(3, low)
        os.closerange(low + 1, high)
        os.closerange(high + 1, 65536)
        os.chdir(os.path.join(job, "work"))
        isolation = {"user": "same", "network": "shared", "processes": "process-group"}
        if sandbox_uid is not None:
            try:
                unshare(CLONE_NEWNS)
                mount(None, "/", None, MS_REC | MS_PRIVATE)
                covered = open_up_interpreter(job)
                if covered:
                    isolation["hidden"] = covered
            except OSError as exc:
                # The interpreter may be out of the sandbox uid's reach: keep root's uid.
                isolation["uid_error"] = str(exc)
                sandbox_uid = None
        set_limits(request["limits"], sandbox_uid)
        if sandbox_uid is not None:
            os.setgroups([])
            os.setresgid(sandbox_uid, sandbox_uid, sandbox_uid)
            os.setresuid(sandbox_uid, sandbox_uid, sandbox_uid)
            prctl(PR_SET_DUMPABLE, 1)
            isolation["user"] = "uid %d" % sandbox_uid
        uid, gid = os.getuid(), os.getgid()
        namespaces = False
        try:
            if request.get("no_namespaces"):  # exercises the fallback in tests
                raise OSError(0, "namespaces turned off by the request")
            unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC)
            write_file("/proc/self/setgroups", "deny")
            # Inside, the program is an ordinary user (BigCodeBench's checker runs as one too).
            write_file("/proc/self/uid_map", "%d %d 1" % (INSIDE_ID, uid))
            write_file("/proc/self/gid_map", "%d %d 1" % (INSIDE_ID, gid))
            namespaces = True
            isolation["user"] = "%s, nobody inside a user namespace" % isolation["user"]
            isolation["processes"] = "pid-namespace"
            try:
                bring_up_loopback()
                isolation["network"] = "namespace (loopback only)"
            except OSError as exc:
                isolation["network"] = "namespace (no loopback: %s)" % exc.strerror
        except OSError as exc:
            isolation["namespaces_error"] = str(exc)
        os.write(iso_w, json.dumps(isolation).encode())
        os.close(iso_w)
        die_with_parent(supervisor_pid)
        if not namespaces:
            program_main(request, job, res_w)  # never returns
        init = os.fork()
        if init == 0:
            init_main(request, job, res_w, 0)  # never returns; its parent is outside its PID namespace
        os.close(res_w)
        _, status = os.waitpid(init, 0)
        os._exit(exit_code(status))
    except BaseException as exc:  # the set-up itself failed: say so on stderr, exit 121
        try:
            os.write(2, ("sandbox set-up failed: %r\n" % (exc,)).encode())
        finally:
            os._exit(121)


def exit_code(status):
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1


def init_main(request, job, res_w, parent):
    """C2: PID 1 of the sandbox's PID namespace: private /proc, then reap until the program ends."""
    try:
        die_with_parent(parent)
        try:
            mount(None, "/", None, MS_REC | MS_PRIVATE)
            mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        except OSError as exc:
            os.write(2, ("sandbox: private /proc unavailable (%s)\n" % exc).encode())
        me = os.getpid()
        program = os.fork()
        if program == 0:
            die_with_parent(me)
            program_main(request, job, res_w)  # never returns
        os.close(res_w)
        while True:
            pid, status = os.waitpid(-1, 0)
            if pid == program:
                os._exit(exit_code(status))
    except BaseException:
        os._exit(122)


# -- Child side: running the tests (BigCodeBench semantics) ------------------------------------


class _CappedSink:
    """Write-only text stream that keeps the first `limit` characters; reading raises."""

    def __init__(self, limit):
        import io

        class Sink(io.StringIO):
            kept = 0
            total = 0

            def write(self, s):
                if not isinstance(s, str):
                    raise TypeError("write() argument must be str, not %s" % type(s).__name__)
                self.total += len(s)
                room = limit - self.kept
                if room > 0:
                    part = s[:room]
                    self.kept += len(part)
                    io.StringIO.write(self, part)
                return len(s)

            def read(self, *args, **kwargs):
                raise IOError

            def readline(self, *args, **kwargs):
                raise IOError

            def readlines(self, *args, **kwargs):
                raise IOError

            def readable(self, *args, **kwargs):
                return False

        self.stream = Sink()


def test_imports(tests):
    """Top-level module names the (trusted) test code imports."""
    import ast

    names = set()
    try:
        tree = ast.parse(tests)
    except SyntaxError:
        return names
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def environment_lacks(name, request):
    """Whether a ModuleNotFoundError for `name` is the environment's fault, not the program's."""
    import importlib.util

    if not name:
        return False
    top = name.split(".")[0]
    try:
        if importlib.util.find_spec(top) is not None:
            return False
    except (ImportError, ValueError):
        pass
    declared = set(request.get("libraries") or ())
    return top in KNOWN_LIBRARIES or top in declared or top in test_imports(request["tests"])


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
NLTK_RESOURCE = re.compile(r"Resource\s+([\w./-]+)\s+not found")


def missing_data_name(exc):
    """The data set a library failed to find (NLTK and TextBlob corpora), if that is what `exc` is."""
    if type(exc).__name__ == "MissingCorpusError":
        return "textblob corpora"
    if isinstance(exc, LookupError) and "nltk" in str(exc):
        found = NLTK_RESOURCE.search(ANSI_ESCAPE.sub("", str(exc)))
        if found:
            return "nltk " + found.group(1)
    return None


def program_main(request, job, res_w):
    """C3: run the program and its tests, write the result JSON to `res_w`. Never returns."""
    result = {"tests_run": 0, "failures": [], "missing_module": None}
    try:
        drop_capabilities()
        os.environ.clear()
        os.environ.update(request["child_env"])
        time.tzset()
        os.umask(0o022)
        run_tests(request, result)
    except BaseException as exc:  # a harness fault, not the program's
        result["status"] = "error"
        result["detail"] = "sandbox harness error: %s" % short(repr(exc), MESSAGE_CHARS)
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except BaseException:
            pass
    try:
        data = _json_dumps(result).encode()
        view = memoryview(data)
        while view:
            written = _os_write(res_w, view)
            view = view[written:]
    finally:
        _os_exit(0)


def declared_tests(tests):
    """Names of the test methods the (trusted) test code defines in `class TestCases`.

    Read from the source text, so nothing the program does can change it; the last `TestCases`
    defined wins, as when the module runs. None when the text defines no such class.
    """
    import ast

    try:
        tree = ast.parse(tests)
    except SyntaxError:
        return None
    found = None
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "TestCases":
            found = sorted(
                item.name
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test")
            )
    return found


def framework_state(modules, classes):
    """What a program could replace to fool the tests: the names bound in `modules` and the
    methods (and other callables) of `classes`, by identity."""
    state = {}
    for module in modules:
        for name, value in list(vars(module).items()):
            state[("module", module.__name__, name)] = value
    for cls in classes:
        for name, value in list(vars(cls).items()):
            if callable(value) or isinstance(value, (classmethod, staticmethod, property)):
                state[("class", "%s.%s" % (cls.__module__, cls.__qualname__), name)] = value
    return state


def framework_changes(before, modules, classes, additions_allowed=()):
    """Names in `before` that are now bound to something else (or gone), and methods added to
    `classes`; empty when nothing was touched. Names added to a module (say `unittest.mock`
    once imported) are not a change, nor are names added to the classes in `additions_allowed`
    (the task's own test class, whose trusted set-up may store helpers on it)."""
    after = framework_state(modules, classes)
    allowed = set("%s.%s" % (cls.__module__, cls.__qualname__) for cls in additions_allowed)
    changed = []
    for key, value in before.items():
        if key not in after or after[key] is not value:
            changed.append(key)
    for key in after:
        if key[0] == "class" and key not in before and key[1] not in allowed:
            changed.append(key)
    names = []
    for kind, owner, name in changed:
        label = "%s.%s" % (owner, name)
        if label not in names:
            names.append(label)
    return names


def run_tests(request, result):
    import builtins
    import linecache
    import traceback
    import types
    import unittest
    import unittest.case
    import unittest.loader
    import unittest.result
    import unittest.runner
    import unittest.suite

    limit = int(request["limits"]["max_output_bytes"])
    sink = _CappedSink(limit).stream
    source = request["program"] + "\n" + request["tests"]
    filename = "__test__.py"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)

    module = types.ModuleType("__test__")
    module.__dict__.update(
        {
            "__builtins__": builtins,
            "__file__": filename,
            "__package__": None,
            "__doc__": None,
            "sys": sys,
            "os": os,
            "environ": os.environ,
        }
    )

    missing = []
    missing_data = []
    messages = {}
    # What happened to each test, as this harness saw it (not unittest's own bookkeeping, which
    # the program could change): the tests started and the failures and errors, subtests included.
    started = []
    finished = []
    failed = []

    def describe(exc):
        text = " ".join(ANSI_ESCAPE.sub("", str(exc)).replace("*", " ").split())
        return short("%s: %s" % (type(exc).__name__, text) if text else type(exc).__name__, MESSAGE_CHARS)

    def note(exc):
        if isinstance(exc, ModuleNotFoundError):
            missing.append(exc.name)
        data = missing_data_name(exc)
        if data:
            missing_data.append(data)

    def record(kind, test, err, result_self):
        failed.append((kind, test, result_self._exc_info_to_string(err, test)))

    class Result(unittest.TestResult):
        def startTest(self, test):
            started.append(test.id().split(".")[-1])
            super().startTest(test)

        def stopTest(self, test):
            finished.append(test.id().split(".")[-1])
            super().stopTest(test)

        def addError(self, test, err):
            note(err[1])
            messages[id(test)] = describe(err[1])
            record("error", test, err, self)
            super().addError(test, err)

        def addFailure(self, test, err):
            messages[id(test)] = describe(err[1])
            record("failure", test, err, self)
            super().addFailure(test, err)

        def addSubTest(self, test, subtest, err):
            if err is not None:
                record("failure" if issubclass(err[0], test.failureException) else "error", subtest, err, self)
            super().addSubTest(test, subtest, err)

    Result.__module__, Result.__qualname__ = "sandbox", "TestResult"
    # Everything the tests' verdict rests on, by identity, before the program's code runs.
    watched_modules = [unittest, unittest.case, unittest.loader, unittest.result, unittest.runner, unittest.suite]
    watched_classes = [unittest.TestCase, unittest.TestResult, unittest.TestSuite, unittest.suite.BaseTestSuite,
                       unittest.TestLoader, Result]
    outcome_class = getattr(unittest.case, "_Outcome", None)
    if outcome_class is not None:
        watched_classes.append(outcome_class)
    pristine = framework_state(watched_modules, watched_classes)
    expected = None
    tampered = []

    builtins.exit = None
    builtins.quit = None
    real = (sys.stdout, sys.stderr, sys.stdin)
    sys.stdout, sys.stderr, sys.stdin = sink, sink, sink
    test_result = Result()
    phase = "compile"
    try:
        code = compile(source, filename, "exec")
        phase = "load"
        exec(code, module.__dict__)
        sys.modules["__test__"] = module
        test_case = module.__dict__.get("TestCases")
        if not (isinstance(test_case, type) and issubclass(test_case, unittest.TestCase)):
            raise LookupError("no unittest.TestCase subclass named TestCases")
        entry = request.get("entry_point")
        result["entry_point_defined"] = bool(entry) and callable(module.__dict__.get(entry))
        tampered = framework_changes(pristine, watched_modules, watched_classes)
        if not tampered:
            phase = "tests"
            # The test class too, from here on: a test must not rewrite the ones after it.
            watched_classes.append(test_case)
            pristine = framework_state(watched_modules, watched_classes)
            suite = unittest.TestLoader().loadTestsFromTestCase(test_case)
            expected = [test.id().split(".")[-1] for test in suite]
            suite.run(test_result)
            tampered = framework_changes(pristine, watched_modules, watched_classes, additions_allowed=[test_case])
    except SyntaxError as exc:
        result["status"] = "error"
        result["detail"] = short("SyntaxError line %s: %s" % (exc.lineno, exc.msg), MESSAGE_CHARS)
    except BaseException as exc:
        result["status"] = "error"
        note(exc)
        where = "while loading the program" if phase == "load" else "while running the tests"
        result["detail"] = "%s %s" % (describe(exc), where)
        result["traceback"] = tail(
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            TRACEBACK_CHARS,
        )
    finally:
        sys.stdout, sys.stderr, sys.stdin = real

    result["tests_run"] = len(started)
    result["tests_finished"] = list(finished)
    # Failures first, then errors, each in the order they happened (unittest's own lists).
    for kind, test, trace in [entry for entry in failed if entry[0] == "failure"] + [entry for entry in failed if entry[0] == "error"]:
        lines = [line for line in trace.strip().splitlines() if line.strip()]
        result["failures"].append(
            {
                "test": test.id().split(".")[-1],
                "kind": kind,
                "message": messages.get(id(test)) or short(lines[-1] if lines else "", MESSAGE_CHARS),
                "traceback": tail(trace, TRACEBACK_CHARS),
            }
        )
    result["output"] = sink.getvalue()
    result["output_bytes"] = sink.total

    missing_env = [name for name in missing if environment_lacks(name, request)]
    if missing:
        result["missing_module"] = (missing_env or missing)[0]
    if missing_data:
        result["missing_data"] = missing_data[0]
    if tampered:
        result["status"] = "error"
        shown = ", ".join(tampered[:3]) + ("" if len(tampered) <= 3 else ", and %d more" % (len(tampered) - 3))
        result["detail"] = short("the program changed the test harness (%s); its test results are not trusted" % shown, 2 * MESSAGE_CHARS)
    elif missing_env:
        result["status"] = "skipped"
        result["detail"] = "library %s is not installed" % missing_env[0].split(".")[0]
    elif missing_data:
        result["status"] = "skipped"
        result["detail"] = "data %s is not installed" % missing_data[0]
    elif "status" not in result:
        failures = result["failures"]
        unfinished = [name for name in expected or [] if name not in finished]
        if failures:
            result["status"] = "fail"
            names = ", ".join("%s (%s)" % (f["test"], f["message"]) for f in failures[:3])
            more = "" if len(failures) <= 3 else ", and %d more" % (len(failures) - 3)
            result["detail"] = short(
                "%d of %d tests failed: %s%s" % (len(failures), len(started), names, more),
                2 * MESSAGE_CHARS,
            )
        elif unfinished or sorted(started) != sorted(expected or []):
            result["status"] = "error"
            result["detail"] = short(
                "%d of the %d tests found ran to the end (not run: %s)"
                % (len(expected or []) - len(unfinished), len(expected or []), ", ".join(unfinished[:5]) or "none"),
                2 * MESSAGE_CHARS,
            )
        else:
            result["status"] = "pass"
            result["detail"] = "%d tests passed" % len(started)


# -- Supervisor --------------------------------------------------------------------------------


class Capture:
    """Keeps the first `limit` bytes read from a pipe, counts the rest."""

    def __init__(self, limit):
        self.limit = limit
        self.data = bytearray()
        self.total = 0

    def feed(self, chunk):
        self.total += len(chunk)
        room = self.limit - len(self.data)
        if room > 0:
            self.data += chunk[:room]

    def text(self):
        text = self.data.decode("utf-8", "replace")
        if self.total > len(self.data):
            text += "\n[... %d more bytes]" % (self.total - len(self.data))
        return text


class Interrupted(Exception):
    pass


def _on_term(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def processes_of(uid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat("/proc/" + entry).st_uid == uid:
                    found.append(int(entry))
            except OSError:
                pass
    return found


def kill_uid_once(uid):
    """Signal every process owned by `uid`, from a helper that takes that uid on."""
    helper = os.fork()
    if helper == 0:
        try:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        except BaseException:
            pass
        os._exit(0)
    os.waitpid(helper, 0)


def descendants(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as handle:
                    stat = handle.read()
                ppid = int(stat[stat.rfind(")") + 2 :].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    found, stack = [], [root]
    while stack:
        for pid in children.get(stack.pop(), ()):
            found.append(pid)
            stack.append(pid)
    return found


def kill_everything(child, sandbox_uid):
    """Leave no process of the sandbox behind.

    Killing the first child ends the PID namespace (its init dies with it), which the kernel
    tears down whole; without namespaces, the sandbox's own uid and this subreaper's
    descendants name what is left.
    """
    for target in (lambda: os.killpg(child, signal.SIGKILL), lambda: os.kill(child, signal.SIGKILL)):
        try:
            target()
        except OSError:
            pass
    for _ in range(200):
        reap()
        left = descendants(os.getpid())
        owned = processes_of(sandbox_uid) if sandbox_uid is not None else []
        if not left and not owned:
            return
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if owned:
            kill_uid_once(sandbox_uid)
        time.sleep(0.005)


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def supervise(request):
    started = time.monotonic()
    limits = dict(DEFAULT_LIMITS)
    limits.update({k: v for k, v in (request.get("limits") or {}).items() if v is not None})
    request["limits"] = limits
    request.setdefault("libraries", [])
    if not isinstance(request.get("program"), str) or not isinstance(request.get("tests"), str):
        raise ValueError("the request needs string fields 'program' and 'tests'")

    # A parent may have blocked signals (masks survive exec): take SIGTERM and friends for real.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGINT, _on_term)
    signal.signal(signal.SIGHUP, _on_term)
    try:
        prctl(PR_SET_CHILD_SUBREAPER, 1)
    except OSError:
        pass

    sandbox_uid = None
    if os.geteuid() == 0:
        sandbox_uid = 100000 + os.getpid()  # unique among live supervisors
    base = tempfile.gettempdir()
    if sandbox_uid is not None and blocked_ancestor(os.path.join(os.path.realpath(base), "x")):
        base = "/tmp"  # the sandbox uid could not enter the usual temporary folder
    job = tempfile.mkdtemp(prefix="collabbench-sandbox-", dir=base)
    for sub in ("work", "home", "tmp"):
        os.mkdir(os.path.join(job, sub))
    if sandbox_uid is not None:
        for path in (job, *(os.path.join(job, sub) for sub in ("work", "home", "tmp"))):
            os.chown(path, sandbox_uid, sandbox_uid)
    os.chmod(job, 0o700)
    request["child_env"] = child_environment(job, dict(os.environ))
    # Read here, before the program exists: the program cannot change what the test code defines.
    declared = declared_tests(request["tests"])

    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    res_r, res_w = os.pipe()
    iso_r, iso_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    me = os.getpid()
    child = os.fork()
    if child == 0:
        child_main(request, job, (out_w, err_w, res_w), sandbox_uid, me, iso_w)
    for fd in (out_w, err_w, res_w, iso_w):
        os.close(fd)

    cap = int(limits["max_output_bytes"])
    captures = {out_r: Capture(cap), err_r: Capture(cap), res_r: Capture(64 * 1024 * 1024), iso_r: Capture(4096)}
    selector = selectors.DefaultSelector()
    for fd in captures:
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ)
    pidfd = None
    if hasattr(os, "pidfd_open"):
        try:
            pidfd = os.pidfd_open(child)
            selector.register(pidfd, selectors.EVENT_READ)
        except OSError:
            pidfd = None

    deadline = started + float(limits["wall_seconds"])
    status = None
    timed_out = False
    interrupted = None
    open_fds = set(captures)

    def drain(timeout):
        for key, _ in selector.select(timeout):
            fd = key.fd
            if fd == pidfd:
                continue
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                continue
            if chunk:
                captures[fd].feed(chunk)
            else:
                selector.unregister(fd)
                open_fds.discard(fd)

    try:
        while status is None:
            now = time.monotonic()
            if now >= deadline:
                timed_out = True
                break
            drain(min(deadline - now, 0.05 if pidfd is None else 1.0))
            pid, raw = os.waitpid(child, os.WNOHANG)
            if pid == child:
                status = raw
    except Interrupted as exc:
        interrupted = str(exc)
    kill_everything(child, sandbox_uid)
    if status is None:
        try:
            _, status = os.waitpid(child, 0)
        except ChildProcessError:
            status = None
    # Every writer is gone now: read what is left.
    end = time.monotonic() + 1.0
    while open_fds and time.monotonic() < end:
        drain(0.05)
    selector.close()
    for fd in list(captures) + ([pidfd] if pidfd is not None else []):
        try:
            os.close(fd)
        except OSError:
            pass
    shutil.rmtree(job, ignore_errors=True)

    result = None
    raw_result = bytes(captures[res_r].data)
    if raw_result:
        try:
            result = json.loads(raw_result.decode("utf-8", "replace"))
        except ValueError:
            result = None
    try:
        isolation = json.loads(bytes(captures[iso_r].data).decode() or "{}")
    except ValueError:
        isolation = {}
    stderr_text = captures[err_r].text()
    if result is None:
        result = {"tests_run": 0, "failures": [], "missing_module": None}
        if interrupted:
            result["status"] = "error"
            result["detail"] = "sandbox interrupted by %s" % interrupted
        elif timed_out:
            result["status"] = "timeout"
            result["detail"] = "wall-clock limit of %g s exceeded" % float(limits["wall_seconds"])
        else:
            code = exit_code(status) if status is not None else -1
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            over_cpu = used.ru_utime + used.ru_stime >= int(limits["cpu_seconds"])
            if code == 128 + signal.SIGXCPU or (code == 128 + signal.SIGKILL and over_cpu):
                result["status"] = "timeout"
                result["detail"] = "CPU time limit of %d s exceeded" % int(limits["cpu_seconds"])
            elif code == 121:
                result["status"] = "error"
                result["detail"] = short("sandbox set-up failed: " + stderr_text.strip(), MESSAGE_CHARS)
            elif code > 128:
                name = signal.Signals(code - 128).name if code - 128 in signal.valid_signals() else code - 128
                result["status"] = "error"
                result["detail"] = "program killed by signal %s before the tests finished" % name
            else:
                result["status"] = "error"
                result["detail"] = "program exited (code %d) before the tests finished" % code
    if result.get("status") == "pass" and declared is not None:
        cross_check(result, declared)
    result["duration_seconds"] = round(time.monotonic() - started, 4)
    result["stdout"] = captures[out_r].text()
    result["stderr"] = stderr_text
    result["isolation"] = isolation
    result.setdefault("output", "")
    return result


def cross_check(result, declared):
    """Turn a "pass" into an error unless every test method the test code declares ran to the end."""
    finished = result.get("tests_finished")
    finished = set(finished) if isinstance(finished, list) else set()
    not_run = [name for name in declared if name not in finished]
    tests_run = result.get("tests_run")
    if not_run or not isinstance(tests_run, int) or tests_run < len(declared):
        result["status"] = "error"
        shown = ", ".join(not_run[:5]) + ("" if len(not_run) <= 5 else ", and %d more" % (len(not_run) - 5))
        result["detail"] = short(
            "%d of the %d tests in the test code ran to the end (not run: %s)"
            % (len(declared) - len(not_run), len(declared), shown or "none"),
            2 * MESSAGE_CHARS,
        )


def main(argv):
    request_path = None
    if len(argv) >= 2 and argv[0] == "--request":
        request_path = argv[1]
    try:
        if request_path:
            with open(request_path, encoding="utf-8") as handle:
                request = json.load(handle)
        else:
            request = json.load(sys.stdin)
        result = supervise(request)
    except Exception as exc:
        result = {
            "status": "error",
            "tests_run": 0,
            "failures": [],
            "missing_module": None,
            "detail": short("sandbox supervisor error: %r" % (exc,), MESSAGE_CHARS),
            "duration_seconds": 0.0,
        }
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
