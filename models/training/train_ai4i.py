"""AI4I 2020 failure classifier: P(machine failure) for the current process snapshot and the likely
failure type. One small scikit-learn gradient-boosting model per failure mode, each on the physical
quantity its mode depends on, exported into one ONNX graph that also computes those quantities from
the raw measurements:

    TWF tool wear      | HDF process - air temperature (0.1 K steps) and speed | PWF power
    OSF tool wear x torque over the product type's strain limit | RNF random: its base rate only

P(mode) comes from each model; P(failure) = 1 - prod(1 - P(mode)); the type probabilities are the
probabilities that each mode is the first one set in the label rule's order (below), 'none' that no
mode is set, so they sum to 1. Each mode model sees only its own quantities, so it cannot learn
pockets from the random failures (RNF, the TWF draw, the 9 failures without a flag) in the other
inputs; the whole ensemble is 200 trees of depth <= 3 (the previous 2,100-tree model cost ~50 us a
machine).

    python3 train_ai4i.py model OUT.onnx PARITY.json     # fit on all rows (the shipped model)
    python3 train_ai4i.py cv OUTDIR                        # stratified 5-fold models for models:eval

The decision threshold on P(failure) is chosen by an inner stratified 4-fold CV on the training
rows only (max F1 of the out-of-fold probabilities): per outer fold for `cv`, on all rows for `model`.
Configuration (trees, depth, learning rate) was chosen by the same inner-CV F1, never by outer folds.

Type label rule (written down as the dataset README asks): the first flag set in the order HDF, PWF,
OSF, TWF, RNF (deterministic modes first, because those are the ones the features can identify);
no flag -> 'none', also for the 9 failures without a flag. The binary target is `Machine failure`.
Mode flags are targets only, never inputs.
"""
import csv
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold

from onnx_trees import tree_ensemble_node

DATA = os.path.join(os.path.dirname(__file__), '../../../shared/data/ai4i2020/ai4i2020.csv')
SEED = 20200
TYPE_CODE = {'L': 0, 'M': 1, 'H': 2}
CLASSES = ['none', 'TWF', 'HDF', 'PWF', 'OSF', 'RNF']
PRIORITY = ['HDF', 'PWF', 'OSF', 'TWF', 'RNF']
MODES = ['TWF', 'HDF', 'PWF', 'OSF', 'RNF']
# Columns of physics(): 0 type, 1 air, 2 process, 3 rpm, 4 torque, 5 wear, 6 dT, 7 power, 8 strain,
# 9 strain / type limit, 10 dT in 0.1 K steps as float64 computes it (dt10_float64 below).
FEATURES = {'TWF': [5], 'HDF': [10, 3], 'PWF': [7], 'OSF': [9], 'RNF': []}
PARAMS = dict(n_estimators=50, learning_rate=0.1, max_depth=3)
MODE_PARAMS = {'TWF': dict(max_depth=1, min_samples_leaf=100)}
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.025), 3)


def load():
    with open(DATA, encoding='utf-8-sig') as f:
        rows = list(csv.DictReader(f))
    x = np.array([[TYPE_CODE[r['Type']], float(r['Air temperature [K]']), float(r['Process temperature [K]']),
                   float(r['Rotational speed [rpm]']), float(r['Torque [Nm]']), float(r['Tool wear [min]'])] for r in rows], dtype=np.float32)
    y_bin = np.array([int(r['Machine failure']) for r in rows])
    y_type = np.array([next((CLASSES.index(m) for m in PRIORITY if r[m] == '1'), 0) for r in rows])
    y_mode = np.array([[int(r[m]) for m in MODES] for r in rows])
    return x, y_bin, y_type, y_mode


def dt10_float64(air, proc):
    """Process - air temperature in 0.1 K steps, ordered as float64 orders it. The readings are on a
    0.1 K grid; in float64 (the dataset generator's arithmetic) proc - air lands a few 1e-14 K above or
    below the grid value k / 10 it should equal, and the comparison with a limit on that grid (HDF:
    dT < 8.6) follows that side. Tree thresholds are float32, which cannot tell those apart, so the
    side is kept as k + 0.25 * sign(float64 dT - k / 10): monotone in the float64 dT, an exact
    float32 value. The graph computes the same from the float32 inputs (rounded to 0.1 K, then
    float64); the model learns where to split, nothing here names a limit."""
    kp = np.round(proc * np.float32(10)).astype(np.float64)
    ka = np.round(air * np.float32(10)).astype(np.float64)
    k = kp - ka
    return (k + 0.25 * np.sign((kp / 10 - ka / 10) - k / 10)).astype(np.float32)


def physics(x):
    """Mirror of the graph's derived columns, for fitting; the graph computes them itself at run time."""
    t, air, proc, rpm, nm, wear = (x[:, i] for i in range(6))
    power = nm * rpm * np.float32(2 * np.pi / 60)
    strain = wear * nm
    dt10 = dt10_float64(air, proc)
    return np.column_stack([x, proc - air, power, strain, strain / (np.float32(11000) + np.float32(1000) * t), dt10]).astype(np.float32)


def fit(f, y_mode):
    models = []
    for k, m in enumerate(MODES):
        y = y_mode[:, k]
        if not FEATURES[m]:
            models.append(float(np.clip(y.mean(), 1e-4, 1 - 1e-4)))
            continue
        params = {**PARAMS, **MODE_PARAMS.get(m, {})}
        models.append(GradientBoostingClassifier(random_state=SEED, **params).fit(f[:, FEATURES[m]], y))
    return models


def mode_probabilities(models, f):
    return np.column_stack([np.full(len(f), m) if isinstance(m, float) else m.predict_proba(f[:, FEATURES[name]])[:, 1]
                            for name, m in zip(MODES, models)])


def combine(p):
    """(P(failure), type probabilities in CLASSES order) from per-mode probabilities, as the graph does."""
    q = np.zeros_like(p)
    remaining = np.ones(len(p))
    for m in PRIORITY:
        k = MODES.index(m)
        q[:, k] = p[:, k] * remaining
        remaining = remaining * (1 - p[:, k])
    return 1 - remaining, np.column_stack([remaining, q])


def f1(pred, y):
    tp = int((pred & (y == 1)).sum())
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + int((pred & (y == 0)).sum()) + int((~pred & (y == 1)).sum()))


def inner_threshold(f, y_bin, y_mode):
    """Threshold with the best F1 over out-of-fold probabilities of an inner stratified 4-fold CV."""
    oof = np.zeros(len(f))
    for a, b in StratifiedKFold(4, shuffle=True, random_state=SEED).split(f, y_bin):
        oof[b] = combine(mode_probabilities(fit(f[a], y_mode[a]), f[b]))[0]
    scores = [f1(oof >= t, y_bin) for t in THRESHOLDS]
    return float(THRESHOLDS[int(np.argmax(scores))]), float(max(scores))


class ConstantTree:
    """The fields of a fitted sklearn Tree that onnx_trees reads, for a tree that is one leaf."""

    def __init__(self, value):
        self.node_count = 1
        self.children_left = np.array([-1])
        self.children_right = np.array([-1])
        self.feature = np.array([-2])
        self.threshold = np.array([-2.0])
        self.value = np.array([[[value]]])


def to_onnx(models, path):
    f = TensorProto.FLOAT
    trees, base = [], []
    for k, (name, m) in enumerate(zip(MODES, models)):
        if isinstance(m, float):
            # A one-leaf tree carries the base rate: onnxruntime leaves the base value of a target
            # that has no tree at 0.
            base.append(0.0)
            trees.append((ConstantTree(float(np.log(m / (1 - m)))), k, 1.0))
            continue
        base.append(float(m._raw_predict_init(np.zeros((1, len(FEATURES[name])), dtype=np.float32))[0, 0]))
        trees += [(est.tree_, k, m.learning_rate, FEATURES[name]) for est in m.estimators_[:, 0]]
    c = lambda name, v: helper.make_tensor(name, f, [], [v])
    mul = lambda a, b, out: helper.make_node('Mul', [a, b], [out])
    one_minus = lambda a, out: helper.make_node('Sub', ['one', a], [out])
    nodes = [
        helper.make_node('Split', ['x'], ['t', 'air', 'proc', 'rpm', 'nm', 'wear'], axis=1),
        helper.make_node('Sub', ['proc', 'air'], ['dT']),
        helper.make_node('Mul', ['nm', 'rpm'], ['nm_rpm']),
        helper.make_node('Mul', ['nm_rpm', 'two_pi_60'], ['power']),
        helper.make_node('Mul', ['wear', 'nm'], ['strain']),
        helper.make_node('Mul', ['t', 'k1000'], ['t1000']),
        helper.make_node('Add', ['t1000', 'k11000'], ['limit']),
        helper.make_node('Div', ['strain', 'limit'], ['strain_ratio']),
        # dt10_float64: the 0.1 K grid values in float64, their difference's side of k / 10 as +-0.25.
        helper.make_node('Mul', ['proc', 'k10'], ['proc10']),
        helper.make_node('Round', ['proc10'], ['proc10r']),
        helper.make_node('Cast', ['proc10r'], ['kp'], to=TensorProto.DOUBLE),
        helper.make_node('Mul', ['air', 'k10'], ['air10']),
        helper.make_node('Round', ['air10'], ['air10r']),
        helper.make_node('Cast', ['air10r'], ['ka'], to=TensorProto.DOUBLE),
        helper.make_node('Sub', ['kp', 'ka'], ['k']),
        helper.make_node('Div', ['kp', 'd10'], ['proc64']),
        helper.make_node('Div', ['ka', 'd10'], ['air64']),
        helper.make_node('Sub', ['proc64', 'air64'], ['dT64']),
        helper.make_node('Div', ['k', 'd10'], ['grid64']),
        helper.make_node('Sub', ['dT64', 'grid64'], ['residual']),
        helper.make_node('Sign', ['residual'], ['side']),
        helper.make_node('Mul', ['side', 'd025'], ['side025']),
        helper.make_node('Add', ['k', 'side025'], ['dT10_64']),
        helper.make_node('Cast', ['dT10_64'], ['dT10'], to=TensorProto.FLOAT),
        helper.make_node('Concat', ['x', 'dT', 'power', 'strain', 'strain_ratio', 'dT10'], ['features'], axis=1),
        tree_ensemble_node(trees, len(MODES), base, 'features', 'raw'),
        helper.make_node('Sigmoid', ['raw'], ['p_mode']),
        helper.make_node('Split', ['p_mode'], [f'p_{m}' for m in MODES], axis=1),
    ]
    # q_k = p_k * prod over modes before k in PRIORITY of (1 - p_j); none = prod over all of (1 - p_j).
    remaining = 'one'
    for i, m in enumerate(PRIORITY):
        nodes.append(mul(f'p_{m}', remaining, f'q_{m}'))
        nodes.append(one_minus(f'p_{m}', f'not_{m}'))
        nodes.append(mul(remaining, f'not_{m}', f'rem_{i}'))
        remaining = f'rem_{i}'
    nodes += [
        helper.make_node('Concat', [remaining] + [f'q_{m}' for m in CLASSES[1:]], ['p_type'], axis=1),
        one_minus(remaining, 'p_fail_2d'),
        helper.make_node('Squeeze', ['p_fail_2d', 'axis1'], ['p_failure']),
    ]
    inits = [c('two_pi_60', float(np.float32(2 * np.pi / 60))), c('k1000', 1000.0), c('k11000', 11000.0), c('k10', 10.0), c('one', 1.0),
             helper.make_tensor('d10', TensorProto.DOUBLE, [], [10.0]), helper.make_tensor('d025', TensorProto.DOUBLE, [], [0.25]),
             helper.make_tensor('axis1', TensorProto.INT64, [1], [1])]
    graph = helper.make_graph(nodes, 'failure_classifier', [helper.make_tensor_value_info('x', f, ['N', 6])],
                              [helper.make_tensor_value_info('p_failure', f, ['N']), helper.make_tensor_value_info('p_type', f, ['N', len(CLASSES)])],
                              initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13), helper.make_opsetid('ai.onnx.ml', 3)], producer_name='factorybrain')
    model.ir_version = 8
    onnx.checker.check_model(model)
    with open(path, 'wb') as out:
        out.write(model.SerializeToString())


def parity_rows(models):
    """Synthetic inputs (not dataset rows) with what scikit-learn predicts for them."""
    rng = np.random.default_rng(SEED)
    n = 64
    x = np.column_stack([rng.integers(0, 3, n), rng.uniform(295, 305, n), rng.uniform(305, 314, n), rng.uniform(1170, 2890, n),
                         rng.uniform(4, 77, n), rng.uniform(0, 250, n)]).astype(np.float32)
    # Temperatures on the dataset's 0.1 K grid, as real readings are; no value sits on a rounding edge.
    x[:, 1:3] = np.round(x[:, 1:3] * 10) / 10
    # Two dataset rows whose 0.1 K readings both differ by 8.6 K: float64 puts 310.7 - 302.1 below 8.6
    # (HDF flagged) and 310.6 - 302.0 above it (not flagged), so these check the graph's float64 path.
    x = np.vstack([x, np.array([[2, 302.1, 310.7, 1294, 62.4, 101], [0, 302.0, 310.6, 1361, 46.7, 182]], dtype=np.float32)])
    p_failure, p_type = combine(mode_probabilities(models, physics(x)))
    return {'x': x.tolist(), 'p_failure': p_failure.tolist(), 'p_type': p_type.tolist()}


def main():
    x, y_bin, y_type, y_mode = load()
    f = physics(x)
    if sys.argv[1] == 'model':
        models = fit(f, y_mode)
        to_onnx(models, sys.argv[2])
        with open(sys.argv[3], 'w') as out:
            json.dump(parity_rows(models), out)
        threshold, inner_f1 = inner_threshold(f, y_bin, y_mode)
        with open(sys.argv[2] + '.train.json', 'w') as out:
            json.dump({'threshold': threshold, 'innerCvF1': inner_f1}, out)
        print(f'failure model: threshold {threshold} (inner-CV F1 {inner_f1:.4f})', flush=True)
    else:
        out_dir = sys.argv[2]
        os.makedirs(out_dir, exist_ok=True)
        folds, thresholds = [], []
        for i, (tr, te) in enumerate(StratifiedKFold(5, shuffle=True, random_state=SEED).split(x, y_bin)):
            models = fit(f[tr], y_mode[tr])
            to_onnx(models, os.path.join(out_dir, f'fold{i}.onnx'))
            threshold, inner_f1 = inner_threshold(f[tr], y_bin[tr], y_mode[tr])
            folds.append(te.tolist())
            thresholds.append(threshold)
            print(f'fold {i} trained; threshold {threshold} (inner-CV F1 {inner_f1:.4f})', flush=True)
        with open(os.path.join(out_dir, 'folds.json'), 'w') as out:
            json.dump({'seed': SEED, 'classes': CLASSES, 'testRows': folds, 'thresholds': thresholds}, out)


if __name__ == '__main__':
    main()
