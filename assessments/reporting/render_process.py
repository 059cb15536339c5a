"""WeasyPrint, on its own: HTML and a stylesheet in, PDF bytes out, optionally in a child
process with a time and a memory limit.

The worst report an assessment allows took minutes and gigabytes to lay out, so the task worker
never renders in its own process: a child does, under RLIMIT_AS, and is killed when it takes
too long. Children come from a fork server that has WeasyPrint imported already (importing it
takes seconds), and this module imports nothing of Django, so the fork server can load it
without settings or a database connection.
"""

import logging
import multiprocessing
import resource
import threading
from types import SimpleNamespace

logger = logging.getLogger(__name__)
_per_thread = threading.local()
_context_lock = threading.Lock()
_context = None


class RenderFailed(Exception):
    """A render that did not produce a PDF; the message is for the person waiting for it."""


# A tagged PDF conforming to PDF/UA-1 (ISO 14289-1): WeasyPrint writes the structure tree
# (headings, lists, tables with header cells, figures with /Alt, links), /MarkInfo, /Lang from
# the document's `lang`, DisplayDocTitle, and the XMP metadata with the title and pdfuaid:part 1.
# The HTML must supply what WeasyPrint cannot: `<html lang>`, a `<title>`, alt text on images and
# a `<title>` in every inline SVG (see charts.py).
PDF_VARIANT = "pdf/ua-1"


def write_pdf(html: str, stylesheet_path: str) -> bytes:
    """The document as a tagged PDF/UA-1 file's bytes, in this process."""
    from weasyprint import HTML

    tools = _weasyprint_tools(stylesheet_path)
    document = HTML(string=html, base_url=None, url_fetcher=tools.fetcher)
    return document.write_pdf(
        stylesheets=[tools.stylesheet],
        font_config=tools.font_config,
        pdf_variant=PDF_VARIANT,
    )


def _weasyprint_tools(stylesheet_path: str) -> SimpleNamespace:
    """The parsed stylesheet, font configuration and URL fetcher, made once per thread.

    Parsing the stylesheet and setting up fonts is a fifth of a render; WeasyPrint's objects are
    not documented as thread-safe, so each thread of a threaded server keeps its own.
    """
    tools = getattr(_per_thread, "tools", None)
    if tools is None or tools.path != stylesheet_path:
        # Imported here, not at the top: WeasyPrint takes seconds to import, and only rendering
        # needs it.
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        class RefuseEveryURL(URLFetcher):
            """Fetch nothing: the document and its stylesheet are complete as given."""

            def fetch(self, url, headers=None):
                raise ValueError(f"The report PDF loads nothing from URLs; refused {url!r}.")

        fetcher = RefuseEveryURL()
        font_config = FontConfiguration()
        stylesheet = CSS(filename=stylesheet_path, url_fetcher=fetcher, font_config=font_config)
        tools = SimpleNamespace(
            path=stylesheet_path, fetcher=fetcher, font_config=font_config, stylesheet=stylesheet
        )
        _per_thread.tools = tools
    return tools


def write_pdf_in_child(
    html: str, stylesheet_path: str, *, time_limit: float, memory_limit_mb: int
) -> bytes:
    """The document as PDF bytes, rendered in a child process that may use at most
    `memory_limit_mb` of address space and is killed after `time_limit` seconds.

    Raises RenderFailed saying which limit was hit, or that the child stopped.
    """
    context = _fork_server()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_render_in_child,
        args=(sender, html, stylesheet_path, memory_limit_mb * 1024 * 1024),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(time_limit):
            raise RenderFailed(
                f"Rendering the PDF took longer than the {time_limit:g} seconds allowed."
            )
        outcome, payload = receiver.recv()
    except EOFError:
        child.join(5)
        raise RenderFailed(
            "The PDF renderer stopped before it finished "
            f"(exit code {child.exitcode}); it may have run out of memory."
        ) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if outcome == "memory":
        raise RenderFailed(
            f"Rendering the PDF needed more than the {memory_limit_mb} MB of memory allowed."
        )
    if outcome == "error":
        logger.error("PDF render failed in the child process: %s", payload)
        raise RenderFailed("The PDF renderer met an error it could not get past.")
    return payload


def _fork_server():
    """A fork server with WeasyPrint imported: each render forks from it, so a child starts in
    milliseconds, and a single-threaded parent forks it whatever threads this process has."""
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["weasyprint", __name__])
            _context = context
    return _context


def _render_in_child(sender, html: str, stylesheet_path: str, memory_limit: int) -> None:
    """The child's whole life: limit its memory, render, send the outcome back."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    try:
        outcome = ("pdf", write_pdf(html, stylesheet_path))
    except MemoryError:
        outcome = ("memory", "")
    except Exception as error:  # noqa: BLE001 - any failure is reported to the parent
        outcome = ("error", f"{type(error).__name__}: {error}"[:200])
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send(("memory", ""))
    finally:
        sender.close()
