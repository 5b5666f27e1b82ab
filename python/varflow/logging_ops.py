"""TF1's printing and numeric checks: ``tf.Print``, ``tf.print``, ``tf.check_numerics``,
``tf.verify_tensor_all_finite``.

They are C++ ops (cpp/src/ops/assert_ops.cc): Print and PrintV2 write from the kernel to the
process's stderr (or stdout), as TF's do, when the op runs.
"""

from __future__ import annotations

import sys

from varflow.graph import Tensor, convert_to_tensor, name_scope

__all__ = ["Print", "check_numerics", "print_v2", "verify_tensor_all_finite"]


def check_numerics(tensor, message, name=None):
    """Checks a tensor for NaN and Inf values.

    When run, reports an `InvalidArgument` error if `tensor` has any values that are not a
    number (NaN) or infinity (Inf). Otherwise, returns the input tensor. Its gradient checks
    the incoming gradient the same way.

    Args:
      tensor: A `Tensor`. Must be one of the following types: `bfloat16`, `half`, `float32`,
        `float64`.
      message: A `string`. Prefix of the error message.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `tensor`.
    """
    t = convert_to_tensor(tensor, name="tensor")
    op = t.graph.create_op(
        "CheckNumerics", [t], attrs={"message": str(message)}, name=name or "CheckNumerics"
    )
    return op.outputs[0]


def verify_tensor_all_finite(t=None, msg=None, name=None, x=None, message=None):
    """Assert that the tensor does not contain any NaN's or Inf's.

    Args:
      t: Tensor to check.
      msg: Message to log on failure.
      name: A name for this operation (optional).
      x: Alias for t.
      message: Alias for msg.

    Returns:
      Same tensor as `t`.
    """
    t = x if t is None else t
    msg = message if msg is None else msg
    with name_scope(name, "VerifyFinite", [t]):
        t = convert_to_tensor(t, name="t")
        # The checked tensor itself (TF1 returns an identity that depends on the check; a
        # check nothing reads is skipped by varflow's plan, so the check is the result).
        return check_numerics(t, message=msg)


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):
    """Prints a list of tensors.

    This is an identity op (behaves like `tf.identity`) with the side effect of printing
    `data` when evaluating: `message` followed by `[summary]` of each tensor, one line on the
    process's standard error.

    Note: This op prints to the standard error. It is not currently compatible with jupyter
    notebook (printing to the notebook *server's* output, not into the notebook).

    Args:
      input_: A tensor passed through this op.
      data: A list of tensors to print out when op is evaluated.
      message: A string, prefix of the error message.
      first_n: Only log `first_n` number of times. Negative numbers log always; this is the
        default.
      summarize: Only print this many entries of each tensor. If None, then a maximum of 3
        elements are printed per input tensor.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type and contents as `input_`.
    """
    x = convert_to_tensor(input_, name="input")
    xs = [d if isinstance(d, Tensor) else convert_to_tensor(d) for d in data]
    attrs = {"message": "" if message is None else str(message)}
    if first_n is not None:
        attrs["first_n"] = int(first_n)
    if summarize is not None:
        attrs["summarize"] = int(summarize)
    return x.graph.create_op("Print", [x, *xs], attrs=attrs, name=name or "Print").outputs[0]


def print_v2(*inputs, **kwargs):
    """Print the specified inputs (TF's `tf.print`).

    In graph mode returns the print operator; add a control dependency on it (or run it) to
    print. Python values are printed as `str` does; tensors as TF's summaries ("[1 2 3]",
    "[0 1 2 ... 7 8 9]" past `summarize` elements at each end of a dimension).

    ```python
    tensor = tf.range(10)
    print_op = tf.print("tensors:", tensor, {2: tensor * 2}, output_stream=sys.stderr)
    with tf.control_dependencies([print_op]):
      doubled_tensor = tensor * 2
    ```

    Args:
      *inputs: Positional arguments that are the inputs to print. Inputs in the printed
        output will be separated by spaces. Inputs may be python primitives, tensors, data
        structures such as dicts and lists that may contain tensors.
      **kwargs: `output_stream` (`sys.stdout`, `sys.stderr` (default), `tf.logging.info`,
        `tf.logging.warning` or `tf.logging.error`), `summarize` (elements shown at each end of each dimension,
        default 3, None or -1: all), `sep` (default " "), `end` (default "\\n"), `name`.

    Returns:
      The print `Operation`.

    Raises:
      ValueError: If an unsupported output stream is specified.
    """
    output_stream = kwargs.pop("output_stream", sys.stderr)
    summarize = kwargs.pop("summarize", 3)
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", "\n")
    name = kwargs.pop("name", None)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments for tf.print: {kwargs}")
    from varflow import tf_logging

    streams = {
        id(sys.stdout): "stdout",
        id(sys.stderr): "stderr",
        id(tf_logging.info): "log(info)",
        id(tf_logging.warning): "log(warning)",
        id(tf_logging.error): "log(error)",
    }
    stream = streams.get(id(output_stream))
    if stream is None:
        raise ValueError(
            f"Unsupported output stream, logging level, or file.{output_stream}. Supported "
            "streams are sys.stdout, sys.stderr, tf.logging.info, tf.logging.warning, "
            "tf.logging.error. File needs to be in the form of 'file://<filepath>'."
        )
    if summarize is None:
        summarize = -1
    placeholder = "{}"
    tensors = []

    def render(value, top):
        # Python values print as str() at the top level and as repr() inside structures (as
        # str() of the structure shows them); dict keys in sorted order, as tf.nest has them.
        if isinstance(value, Tensor):
            tensors.append(value)
            return placeholder
        if isinstance(value, dict):
            items = (f"{render(k, False)}: {render(value[k], False)}" for k in sorted(value))
            return "{" + ", ".join(items) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(render(v, False) for v in value) + "]"
        if isinstance(value, tuple):
            inner = ", ".join(render(v, False) for v in value)
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        return str(value) if top else repr(value)

    template = sep.join(render(v, True) for v in inputs)
    if tensors and template.count(placeholder) != len(tensors):
        # The text itself holds "{}": mark the tensors with what no text holds.
        placeholder = "\x00vf-placeholder\x00"
        tensors.clear()
        template = sep.join(render(v, True) for v in inputs)
    graph = tensors[0].graph if tensors else None
    if graph is None:
        from varflow.graph import get_default_graph

        graph = get_default_graph()
    with name_scope(name, "PrintV2", tensors):
        formatted = graph.create_op(
            "StringFormat",
            tensors,
            attrs={"template": template, "placeholder": placeholder, "summarize": int(summarize)},
            name="StringFormat",
        ).outputs[0]
        return graph.create_op(
            "PrintV2", [formatted], attrs={"output_stream": stream, "end": end}, name="PrintV2"
        )
