"""Condition-monitor scorer graph. Like anomaly.onnx it has no trained weights: every machine's normal
model (regression coefficients on its operating variables, residual scale per sensor and load band)
is fitted by the app from the machine's own history and fed in as inputs, so one file serves every
machine and a refit never touches the model file.

    pred    = phi @ coef                                        [N, S]   (phi [N, F], coef [N, F, S])
    z       = mask * (y - pred) / sigma                         [N, S]
    score   = max over sensors of |z|                           [N]
"""
import sys

import onnx
from onnx import TensorProto, helper


def build(path: str) -> None:
    f = TensorProto.FLOAT
    inputs = [
        helper.make_tensor_value_info('phi', f, ['N', 'F']),
        helper.make_tensor_value_info('coef', f, ['N', 'F', 'S']),
        helper.make_tensor_value_info('y', f, ['N', 'S']),
        helper.make_tensor_value_info('sigma', f, ['N', 'S']),
        helper.make_tensor_value_info('mask', f, ['N', 'S']),
    ]
    axis1 = helper.make_tensor('axis1', TensorProto.INT64, [1], [1])
    nodes = [
        helper.make_node('Unsqueeze', ['phi', 'axis1'], ['phi3']),
        helper.make_node('MatMul', ['phi3', 'coef'], ['pred3']),
        helper.make_node('Squeeze', ['pred3', 'axis1'], ['pred']),
        helper.make_node('Sub', ['y', 'pred'], ['resid']),
        helper.make_node('Div', ['resid', 'sigma'], ['zs']),
        helper.make_node('Mul', ['zs', 'mask'], ['z']),
        helper.make_node('Abs', ['z'], ['absz']),
        helper.make_node('ReduceMax', ['absz'], ['score'], axes=[1], keepdims=0),
    ]
    outputs = [
        helper.make_tensor_value_info('pred', f, ['N', 'S']),
        helper.make_tensor_value_info('z', f, ['N', 'S']),
        helper.make_tensor_value_info('score', f, ['N']),
    ]
    graph = helper.make_graph(nodes, 'condition_scorer', inputs, outputs, initializer=[axis1])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='factorybrain')
    model.ir_version = 8
    onnx.checker.check_model(model)
    # Fixed producer fields and no timestamps, so a rebuild gives the same bytes and hash.
    with open(path, 'wb') as out:
        out.write(model.SerializeToString())


if __name__ == '__main__':
    build(sys.argv[1])
