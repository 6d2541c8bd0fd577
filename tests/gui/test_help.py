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


def test_each_tour_page_outlines_its_area_and_dims_the_rest(window, qtbot):
    from PySide6.QtCore import QPoint, QRect

    from parasim.gui.help import TOUR
    window.resize(1280, 720)
    qtbot.wait(20)
    window.show_tour()
    t, veil = window.tour, window.tour.highlight
    others = {}
    for page, (name, _title, _body) in enumerate(TOUR):
        t.show_page(page)
        area = getattr(window, name)
        rect = QRect(area.mapTo(window, QPoint(0, 0)), area.size())
        assert veil.isVisible() and veil.geometry() == window.rect(), name
        assert veil.target == rect and rect.isValid(), name
        others[name] = rect
    for page, (name, _title, _body) in enumerate(TOUR):   # what the window shows
        t.show_page(page)
        lit = window.grab().toImage()
        veil.hide()
        plain = window.grab().toImage()
        inside = others[name].center()
        assert lit.pixelColor(inside) == plain.pixelColor(inside), name
        for other, rect in others.items():
            if other != name and not rect.intersects(others[name]):
                p = rect.center()
                assert lit.pixelColor(p).lightness() < plain.pixelColor(p).lightness(), other
    t.show_page(2)
    window.resize(1024, 768)                 # the metrics move under the timeline
    qtbot.wait(20)
    m = window.metrics_dock
    assert veil.target == QRect(m.mapTo(window, QPoint(0, 0)), m.size())
    t.finish()
    assert not veil.isVisible()


def test_a_hidden_area_is_not_outlined_and_the_page_says_where_it_is(window):
    window.metrics_dock.close()
    window.show_tour()
    window.tour.show_page(2)
    assert not window.tour.highlight.isVisible()
    assert "View menu" in window.tour.body.text()
