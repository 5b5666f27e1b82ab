"""Assign ops and initialization checks."""

from __future__ import annotations

from varflow.graph import Tensor, convert_to_tensor, get_default_graph


def _variable_of(ref):
    from varflow.variables import Variable

    if isinstance(ref, Variable):
        return ref
    if isinstance(ref, Tensor) and ref.op.type == "VariableV2":
        return ref.graph._variable_for(ref.op._node)
    raise TypeError(
        f"'{getattr(ref, 'name', ref)}' is not a variable; only variables can be assigned"
    )


def _update(op_type, ref, value, name, read_value=True):
    var = _variable_of(ref)
    value = convert_to_tensor(value, dtype=var.dtype.base_dtype)
    attrs = {"use_locking": False}
    if op_type == "Assign":
        attrs["validate_shape"] = True
    op = var.graph.create_op(op_type, [var._ref_tensor, value], attrs, name=name or op_type)
    return op._outputs[0] if read_value else op  # TF1: read_value=False gives the op


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """Update `ref` by assigning `value` to it.

    This operation outputs a Tensor that holds the new value of `ref` after the value has
    been assigned. This makes it easier to chain operations that need to use the reset
    value.

    Args:
      ref: A mutable `Tensor` (a `Variable`). Should be from a `Variable` node. May be
        uninitialized.
      value: A `Tensor`. Must have the same shape and dtype as `ref`. The value to be
        assigned to the variable.
      validate_shape: An optional `bool`. Defaults to `True`. If true, the operation will
        validate that the shape of 'value' matches the shape of the Tensor being assigned
        to. If false, 'ref' will take on the shape of 'value'.
      use_locking: Accepted for TF1 compatibility.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` that will hold the new value of `ref` after the assignment has completed.

    Raises:
      ValueError: If the shapes are incompatible and `validate_shape` is true.
    """
    var = _variable_of(ref)
    value = convert_to_tensor(value, dtype=var.dtype.base_dtype)
    attrs = {"validate_shape": True if validate_shape is None else bool(validate_shape)}
    return var.graph.create_op(
        "Assign", [var._ref_tensor, value], attrs, name=name or "Assign"
    )._outputs[0]


def assign_add(ref, value, use_locking=None, name=None):
    """Update `ref` by adding `value` to it.

    This operation outputs "ref" after the update is done. This makes it easier to chain
    operations that need to use the reset value.

    Args:
      ref: A mutable `Tensor` (a `Variable`) of a numeric type.
      value: A `Tensor`. Must have the same shape and dtype as `ref`. The value to be added
        to the variable.
      use_locking: Accepted for TF1 compatibility.
      name: A name for the operation (optional).

    Returns:
      Same as "ref". Returned as a convenience for operations that want to use the new
      value after the variable has been updated.
    """
    return _update("AssignAdd", ref, value, name)


def assign_sub(ref, value, use_locking=None, name=None):
    """Update `ref` by subtracting `value` from it.

    This operation outputs "ref" after the update is done. This makes it easier to chain
    operations that need to use the reset value.

    Args:
      ref: A mutable `Tensor` (a `Variable`) of a numeric type.
      value: A `Tensor`. Must have the same shape and dtype as `ref`. The value to be
        subtracted to the variable.
      use_locking: Accepted for TF1 compatibility.
      name: A name for the operation (optional).

    Returns:
      Same as "ref". Returned as a convenience for operations that want to use the new
      value after the variable has been updated.
    """
    return _update("AssignSub", ref, value, name)


def is_variable_initialized(ref, name=None) -> Tensor:
    """Tests if a variable has been initialized.

    Args:
      ref: A mutable `Tensor` (a `Variable`). Should be from a `Variable` node. May be
        uninitialized.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `bool`.
    """
    var = _variable_of(ref)
    return var.graph.create_op(
        "IsVariableInitialized", [var._ref_tensor], name=name or "IsVariableInitialized"
    )._outputs[0]


def initialized_value(var, name=None) -> Tensor:
    """Returns the variable's value, or its initial value while it is uninitialized.

    This is TF1's `Variable.initialized_value()`, used to initialize one variable from
    another.

    Args:
      var: A `Variable`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with the variable's value after its initializer has run.
    """
    var = _variable_of(var)
    return var.graph.create_op(
        "InitializedValue", [var._ref_tensor, var.initial_value], name=name or "InitializedValue"
    )._outputs[0]


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """Adds ops to list the names of uninitialized variables.

    When run, it returns a 1-D tensor containing the names of uninitialized variables if
    there are any, or an empty array if there are none.

    varflow difference: the names are fetched as a NumPy array of bytes, as TF1's; inside
    the graph the tensor holds the variables' indices (varflow has no string kernels for
    this op).

    Args:
      var_list: List of `Variable` objects to check. Defaults to the value of
        `global_variables() + local_variables()`.
      name: Optional name of the `Operation`.

    Returns:
      A 1-D tensor containing names of the uninitialized variables, or an empty 1-D tensor
      if there are no variables or no uninitialized variables.
    """
    import numpy as np

    from varflow.variables import global_variables, local_variables

    if var_list is None:
        var_list = global_variables() + local_variables()
    graph = get_default_graph()
    names = np.array([v.op.name.encode() for v in var_list], dtype=object)
    refs = [_variable_of(v)._ref_tensor for v in var_list]
    out = graph.create_op("ReportUninitializedVariables", refs, name=name)._outputs[0]
    graph._fetch_transforms[out] = lambda indices: names[indices] if len(names) else names
    return out


__all__ = ["assign", "assign_add", "assign_sub", "get_default_graph"]
