"""Anomaly scorer graph. It has no trained weights: every parameter is a per-machine calibration
(centre, scale, mask) computed by the app from that machine's own commissioning window and fed in
as inputs, so one file serves every machine and re-calibration never touches the model file.

    z        = mask * (x - centre) / scale                      [N, S*K]
    contrib  = max over each sensor's K features of |z|          [N, S]
    score    = max over sensors of contrib                       [N]
"""
import sys

import onnx
from onnx import TensorProto, helper

FEATURES_PER_SENSOR = 2  # short-window mean, long-window slope (see main/inference/anomaly-input.ts)


def build(path: str) -> None:
    f = TensorProto.FLOAT
    inputs = [helper.make_tensor_value_info(n, f, ['N', 'D']) for n in ('x', 'centre', 'scale', 'mask')]
    k = helper.make_tensor('k_shape', TensorProto.INT64, [3], [0, -1, FEATURES_PER_SENSOR])
    nodes = [
        helper.make_node('Sub', ['x', 'centre'], ['dx']),
        helper.make_node('Div', ['dx', 'scale'], ['zs']),
        helper.make_node('Mul', ['zs', 'mask'], ['z']),
        helper.make_node('Abs', ['z'], ['absz']),
        helper.make_node('Reshape', ['absz', 'k_shape'], ['per_sensor']),
        helper.make_node('ReduceMax', ['per_sensor'], ['contrib'], axes=[2], keepdims=0),
        helper.make_node('ReduceMax', ['contrib'], ['score'], axes=[1], keepdims=0),
    ]
    outputs = [
        helper.make_tensor_value_info('score', f, ['N']),
        helper.make_tensor_value_info('contrib', f, ['N', 'S']),
    ]
    graph = helper.make_graph(nodes, 'anomaly_scorer', inputs, outputs, initializer=[k])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='factorybrain')
    model.ir_version = 8
    onnx.checker.check_model(model)
    # Fixed producer fields and no timestamps, so a rebuild gives the same bytes and hash.
    with open(path, 'wb') as out:
        out.write(model.SerializeToString())


if __name__ == '__main__':
    build(sys.argv[1])
