/// The results browser's styles and script (appended to `/static/`). The pages work without
/// the script (every control is a link or a GET form); it only submits the filter form when a
/// select changes.
enum BrowserAssets {
    static let stylesheet = """
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        .ci { color: #57606a; font-size: .85em; }
        .error { color: #cf222e; }
        .kv th { width: 14rem; }
        .charts { display: flex; flex-wrap: wrap; gap: 1rem; }
        .charts svg { border: 1px solid #d0d7de; background: #fff; }
        .filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; margin: .5rem 0; }
        #conversations tr.status-failed td { background: #fff5f5; }
        a.sort { color: inherit; }
        #pager a, #pager span { margin-right: .75rem; }
        .turn { border: 1px solid #d0d7de; border-radius: 6px; margin: .75rem 0; padding: .5rem .75rem; }
        .turn.role-user { background: #f6f8fa; }
        .turn.role-assistant { background: #fff; border-left: 4px solid #0969da; }
        .turn.format-error { border-color: #cf222e; }
        .turn-facts { color: #57606a; font-size: .85em; margin-bottom: .25rem; }
        .turn-text { background: transparent; padding: 0; }
        .thought summary, .raw-reply summary { color: #57606a; cursor: pointer; }
        .flipped.worsened li { color: #cf222e; }
        .flipped.improved li { color: #1a7f37; }
        """

    static let script = """
        document.addEventListener('DOMContentLoaded', function () {
          document.querySelectorAll('#conversation-filter select.autosubmit').forEach(function (select) {
            select.addEventListener('change', function () { select.form.submit(); });
          });
        });
        """
}
