"""Does `course execute` save what a reader sees, the same on every run?"""
import nbformat

from course.instructor.execute import merge_streams


def test_are_pieces_of_printed_output_joined_and_nothing_else_moved():
    stream = lambda name, text: nbformat.v4.new_output("stream", name=name, text=text)  # noqa: E731
    figure = nbformat.v4.new_output("display_data", data={"text/plain": "[Figure: ...]"})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(...)"), nbformat.v4.new_markdown_cell("x")])
    nb.cells[0].outputs = [stream("stdout", "row 1\nro"), stream("stdout", "w 2\n"), stream("stderr", "warning\n"),
                           stream("stdout", "row 3\n"), figure, stream("stdout", "after\n")]
    merge_streams(nb)
    assert [(o.get("name"), o.get("text")) for o in nb.cells[0].outputs] == [
        ("stdout", "row 1\nrow 2\n"), ("stderr", "warning\n"), ("stdout", "row 3\n"), (None, None), ("stdout", "after\n")]
    assert "outputs" not in nb.cells[1]
