"""Writes fitted scikit-learn gradient-boosting trees as one ai.onnx.ml TreeEnsembleRegressor, so the
app scores them with onnxruntime alone (skl2onnx is not packaged in Debian)."""
import numpy as np
from onnx import helper


def tree_ensemble_node(trees, n_targets, base_values, input_name, output_name):
    """trees: (sklearn Tree, target index, weight multiplier[, feature map]) tuples; leaf values are summed
    per target. The optional feature map gives, for each column the tree was fitted on, its index in
    the graph's input (a tree fitted on a subset of the features)."""
    a = {k: [] for k in ('nodes_treeids', 'nodes_nodeids', 'nodes_featureids', 'nodes_values', 'nodes_modes',
                         'nodes_truenodeids', 'nodes_falsenodeids', 'nodes_missing_value_tracks_true', 'nodes_hitrates',
                         'target_treeids', 'target_nodeids', 'target_ids', 'target_weights')}
    for tree_id, (t, target, weight, *rest) in enumerate(trees):
        columns = rest[0] if rest else None
        for n in range(t.node_count):
            leaf = t.children_left[n] == -1
            a['nodes_treeids'].append(tree_id)
            a['nodes_nodeids'].append(n)
            a['nodes_featureids'].append(0 if leaf else int(t.feature[n] if columns is None else columns[t.feature[n]]))
            a['nodes_values'].append(0.0 if leaf else float(np.float32(t.threshold[n])))
            a['nodes_modes'].append('LEAF' if leaf else 'BRANCH_LEQ')
            a['nodes_truenodeids'].append(0 if leaf else int(t.children_left[n]))
            a['nodes_falsenodeids'].append(0 if leaf else int(t.children_right[n]))
            a['nodes_missing_value_tracks_true'].append(0)
            a['nodes_hitrates'].append(1.0)
            if leaf:
                a['target_treeids'].append(tree_id)
                a['target_nodeids'].append(n)
                a['target_ids'].append(target)
                a['target_weights'].append(float(t.value[n].ravel()[0] * weight))
    return helper.make_node('TreeEnsembleRegressor', [input_name], [output_name], domain='ai.onnx.ml',
                            n_targets=n_targets, aggregate_function='SUM', post_transform='NONE',
                            base_values=[float(v) for v in base_values], **a)
