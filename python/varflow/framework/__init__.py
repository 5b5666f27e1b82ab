"""Graphs in and out: GraphDef and MetaGraphDef protobufs (TensorFlow's own definitions, as the
``tensorboard`` package ships them in ``tensorboard.compat.proto``)."""
