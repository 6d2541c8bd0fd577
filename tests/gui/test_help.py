"""Help: the shortcut sheet lists the window's keys, About names the version, the tour
walks the four areas and is remembered once skipped."""

from PySide6.QtWidgets import QTextBrowser


def test_shortcut_sheet_lists_the_keys(window):
    from parasim.gui.help import shortcuts
    keys = dict((v, k) for k, v in shortcuts(window))
    assert keys["Presentation mode"] == "F5" and keys["Full screen"] == "F11"
    assert keys["Run"] == "Ctrl+R" and keys["Keyboard shortcuts"] in ("F1", "?")
    window.show_shortcuts()
    assert window.shortcuts_dialog.isVisible()
    sheet = window.shortcuts_dialog.findChildren(QTextBrowser)[0]
    assert "Presentation mode" in sheet.toPlainText()


def test_about_names_the_version():
    from parasim.gui.help import about_text, version
    assert version() in about_text() and version()[0].isdigit()


def test_tour_can_be_skipped_and_is_remembered(window):
    from parasim.gui.help import TOUR
    assert window.first_start()
    window.show_tour()
    t = window.tour
    for i in range(len(TOUR) - 1):
        assert t.step.text() == f"{i + 1} / {len(TOUR)}"
        t.next.click()
    assert t.next.text() == "Done"
    t.back.click()
    assert t.page == len(TOUR) - 2
    t.finish()
    assert not t.isVisible() and not window.first_start()
