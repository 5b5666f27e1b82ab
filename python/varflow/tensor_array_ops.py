"""tf.TensorArray: a list of same-shaped tensors that while loops read and write.

varflow keeps a TensorArray's elements in one dense tensor of shape [size, element...] (its
``flow``, the value tf.while_loop carries). A write updates that tensor in place when nothing
else holds it, so a loop that writes one element per iteration costs one element per iteration.
Differences from TF1: all elements have one shape (TF1 allows ragged arrays only with
infer_shape=False); reading an element never written gives zeros once the element shape is
known, where TF1 raises; ``clear_after_read`` is accepted and ignored.
"""

from __future__ import annotations

from varflow import dtypes
from varflow.graph import Tensor, convert_to_tensor, get_default_graph, name_scope
from varflow.tensor_shape import TensorShape


def _index_tensor(index, name="index") -> Tensor:
    return convert_to_tensor(index, dtype=dtypes.int32, name=name)


class TensorArray:
    """A list of tensors of one dtype and shape, written and read by index.

    It is the companion of ``tf.while_loop``: the loop body reads step ``t``'s input with ``read(t)`` and writes its
    output with ``write(t, value)``, and ``stack()`` after the loop gives the whole sequence.
    All elements have one dtype and one shape.

    varflow keeps the elements in one dense tensor of shape ``[size, element...]``, the
    array's ``flow`` (the value a while loop carries); a write updates it in place when
    nothing else holds it. Every method returns a new ``TensorArray`` or tensor; use the
    returned array, as in TF1.
    """

    def __init__(
        self,
        dtype,
        size=None,
        dynamic_size=None,
        clear_after_read=None,
        tensor_array_name=None,
        handle=None,
        flow=None,
        infer_shape=True,
        element_shape=None,
        colocate_with_first_write_call=True,
        name=None,
    ):
        """Creates an array of ``size`` elements, or wraps an existing array value (``flow``).

        Args:
          dtype: The elements' dtype.
          size: (optional) An int32 scalar (or scalar tensor), the number of elements; needed
            unless ``flow`` is given.
          dynamic_size: (optional) bool: if True, a write past the end grows the array.
            Default: False.
          clear_after_read: Boolean (optional). Accepted for TF1 compatibility; reads never
            clear an element in varflow, so an element may be read more than once.
          tensor_array_name: (optional) Accepted for TF1 compatibility (the ops are named from
            ``name``).
          handle: Must be None: varflow's TensorArray has no separate resource handle (wrap an
            existing array with ``flow``).
          flow: (optional) A ``Tensor`` of shape ``[size, element...]`` and type ``dtype``, an existing
            array's value to wrap instead of creating a new array.
          infer_shape: (optional) If True (the default), the element shape is learnt from the
            first write when ``element_shape`` does not give it. varflow's elements always have
            one shape (TF1 allows ragged arrays when this is False).
          element_shape: (optional) What is known of every element's shape; need not be fully
            defined.
          colocate_with_first_write_call: Accepted for TF1 compatibility (device placement).
          name: A name for the operation (optional); the name scope of the array's ops.

        Raises:
          ValueError: if ``handle`` is given, or neither ``size`` nor ``flow`` is.
        """
        self._dtype = dtypes.as_dtype(dtype).base_dtype
        self._dynamic_size = bool(dynamic_size)
        self._infer_shape = infer_shape
        if handle is not None:
            raise ValueError("varflow's TensorArray has no handle; pass its flow instead")
        if flow is not None:
            self._flow = convert_to_tensor(flow)
            self._element_shape = (
                TensorShape(self._flow.shape[1:]) if self._flow.shape.rank else TensorShape(None)
            )
            return
        if size is None:
            raise ValueError("Size must be provided if handle is not provided")
        self._element_shape = TensorShape(element_shape)
        graph = get_default_graph()
        with name_scope(name, "TensorArray"):
            size = _index_tensor(size, name="size")
            self._flow = graph.create_op(
                "TensorArray",
                [size],
                {"dtype": self._dtype._core, "element_shape": _core_shape(self._element_shape)},
                name="TensorArrayV3",
            ).outputs[0]

    @classmethod
    def _with_flow(cls, template: TensorArray, flow: Tensor) -> TensorArray:
        ta = cls.__new__(cls)
        ta._dtype = template._dtype
        ta._dynamic_size = template._dynamic_size
        ta._infer_shape = template._infer_shape
        ta._element_shape = template._element_shape
        ta._flow = flow
        if flow.shape.rank is not None:
            ta._element_shape = ta._element_shape.merge_with(TensorShape(flow.shape[1:]))
        return ta

    @property
    def flow(self) -> Tensor:
        """The array's value, [size, element...]: what a while loop carries."""
        return self._flow

    @property
    def handle(self) -> Tensor:
        """The same as `flow` (varflow has no separate resource handle)."""
        return self._flow

    @property
    def dtype(self) -> dtypes.DType:
        """The elements' dtype."""
        return self._dtype

    @property
    def dynamic_size(self) -> bool:
        """Whether writes past the end grow the array."""
        return self._dynamic_size

    @property
    def element_shape(self) -> TensorShape:
        """What is known of the elements' shape."""
        return self._element_shape

    def _loop_invariant(self):
        """The shape a while loop lets this array's flow have across iterations."""
        if self._element_shape.rank is None:
            return None
        return [None] + [d for d in self._element_shape.as_list()]

    def identity(self) -> TensorArray:
        """This array through an Identity op (orders reads after control dependencies)."""
        from varflow.array_ops import identity

        return TensorArray._with_flow(self, identity(self._flow))

    def read(self, index, name=None) -> Tensor:
        """The element at `index`.

        Args:
          index: int32 scalar.
          name: name of the op.

        Returns:
          The element, with the array's element shape.

        Raises:
          InvalidArgumentError (at run time): for an index outside the array.
        """
        with name_scope(name, "TensorArrayReadV3"):
            index = _index_tensor(index)
            value = (
                get_default_graph()
                .create_op("TensorArrayGather", [self._flow, index], name="TensorArrayReadV3")
                .outputs[0]
            )
            return self._with_static_shape(value, self._element_shape)

    def gather(self, indices, element_shape=None, name=None) -> Tensor:
        """The elements at `indices`, stacked.

        Args:
          indices: int32 vector.
          element_shape: accepted for TF1 compatibility.
          name: name of the op.

        Returns:
          A tensor of shape [len(indices), element...].
        """
        with name_scope(name, "TensorArrayGatherV3"):
            indices = _index_tensor(indices, name="indices")
            value = (
                get_default_graph()
                .create_op("TensorArrayGather", [self._flow, indices], name="TensorArrayGatherV3")
                .outputs[0]
            )
            return self._with_static_shape(value, self._rows_shape(None))

    def stack(self, name=None) -> Tensor:
        """All elements, stacked into one tensor of shape [size, element...].

        Args:
          name: name scope of the op.

        Returns:
          The stacked tensor.
        """
        from varflow.array_ops import identity

        with name_scope(name, "TensorArrayStack"):
            value = identity(self._flow, name="TensorArrayGatherV3")
            return self._with_static_shape(value, self._rows_shape(None))

    def concat(self, name=None) -> Tensor:
        """The elements joined along their first dimension (all have one shape here).

        Args:
          name: name scope of the op.

        Returns:
          A tensor of shape [size * element[0], element[1:]...].

        Raises:
          ValueError: if the elements are scalars.
        """
        from varflow.array_ops import concat as concat_tensors
        from varflow.array_ops import reshape, shape

        if self._element_shape.rank == 0:
            raise ValueError("Concatenating scalars is not possible: use stack()")
        with name_scope(name, "TensorArrayConcat"):
            dims = shape(self._flow)
            return reshape(self._flow, concat_tensors([[-1], dims[2:]], 0))

    def write(self, index, value, name=None) -> TensorArray:
        """A TensorArray whose element `index` is `value` (the array is updated in place
        when nothing else holds it, as TF1's resource is).

        Args:
          index: int32 scalar.
          value: the element, of the array's dtype.
          name: name of the op.

        Returns:
          The written TensorArray: use it (not this one) from here on.

        Raises:
          ValueError: for a value shape incompatible with the element shape.
          InvalidArgumentError (at run time): for an index past the end of a fixed-size array.
        """
        with name_scope(name, "TensorArrayWrite"):
            value = convert_to_tensor(value, dtype=self._dtype, name="value")
            self._check_element_shape(value.shape)
            index = _index_tensor(index)
            flow = (
                get_default_graph()
                .create_op(
                    "TensorArrayScatter",
                    [self._flow, index, value],
                    {"dynamic_size": self._dynamic_size},
                    name="TensorArrayWriteV3",
                )
                .outputs[0]
            )
            return TensorArray._with_flow(self, flow)

    def scatter(self, indices, value, name=None) -> TensorArray:
        """A TensorArray whose elements `indices` are the rows of `value`.

        Args:
          indices: int32 vector.
          value: tensor of shape [len(indices), element...].
          name: name of the op.

        Returns:
          The written TensorArray.
        """
        with name_scope(name, "TensorArrayScatter"):
            value = convert_to_tensor(value, dtype=self._dtype, name="value")
            if value.shape.rank:
                self._check_element_shape(TensorShape(value.shape[1:]))
            indices = _index_tensor(indices, name="indices")
            flow = (
                get_default_graph()
                .create_op(
                    "TensorArrayScatter",
                    [self._flow, indices, value],
                    {"dynamic_size": self._dynamic_size},
                    name="TensorArrayScatterV3",
                )
                .outputs[0]
            )
            return TensorArray._with_flow(self, flow)

    def unstack(self, value, name=None) -> TensorArray:
        """A TensorArray whose elements are the rows of `value` (value.shape[0] elements).

        Args:
          value: tensor of the array's dtype, rank >= 1.
          name: name scope of the op.

        Returns:
          The new TensorArray.

        Raises:
          ValueError: for a scalar value or a wrong dtype.
        """
        from varflow.array_ops import identity

        with name_scope(name, "TensorArrayUnstack"):
            value = convert_to_tensor(value, dtype=self._dtype, name="value")
            if value.shape.rank == 0:
                raise ValueError(f"Cannot unstack a scalar: {value.name}")
            if value.shape.rank is not None:
                self._check_element_shape(TensorShape(value.shape[1:]))
            return TensorArray._with_flow(self, identity(value, name="TensorArrayScatterV3"))

    def size(self, name=None) -> Tensor:
        """The number of elements (int32 scalar).

        Args:
          name: name of the op.

        Returns:
          The size.
        """
        from varflow.array_ops import shape

        with name_scope(name, "TensorArraySizeV3"):
            return shape(self._flow)[0]

    def close(self, name=None):
        """A no-op: varflow's arrays hold no resource to release.

        Args:
          name: name of the op.

        Returns:
          A NoOp.
        """
        from varflow.control_flow_ops import no_op

        return no_op(name=name or "TensorArrayCloseV3")

    def _rows_shape(self, rows) -> TensorShape:
        if self._element_shape.rank is None:
            return TensorShape(None)
        return TensorShape([rows, *self._element_shape.as_list()])

    @staticmethod
    def _with_static_shape(value: Tensor, shape: TensorShape) -> Tensor:
        """`value`, with what the array knows of its shape (as TF1's set_shape gives it)."""
        from varflow.array_ops import ensure_shape

        if shape.rank is None or value.shape == value.shape.merge_with(shape):
            return value
        return ensure_shape(value, value.shape.merge_with(shape))

    def _check_element_shape(self, shape) -> None:
        shape = TensorShape(shape)
        if not self._element_shape.is_compatible_with(shape):
            raise ValueError(
                f"Inconsistent shapes: saw {shape} but expected {self._element_shape} "
                "(and infer_shape=True)"
            )
        if self._infer_shape:
            self._element_shape = self._element_shape.merge_with(shape)


def _core_shape(shape: TensorShape):
    from varflow import _core

    return _core.Shape(None if shape.rank is None else shape.as_list())


__all__ = ["TensorArray"]
