"""Choose the RUL target cap (R_early of the piecewise-linear target) per C-MAPSS subset on
validation data only: the test files play no part.

The protocol scores one prediction per test engine, at the last cycle of a trajectory that stops
some time before failure, against the true (uncapped) RUL. The validation set is built the same way
from the held-out 20% of the training engines (the split of train_rul.py): each engine is cut at
TRUNCATIONS random cycles (fixed seed), and only the cut's last cycle is scored, against the engine's
uncapped RUL there. The cut points are drawn uniformly among the cycles that the README's description
of the test set allows: at least as many observed cycles as its shortest test trajectory, and a true
RUL between 6 and the largest test RUL the README states. Because RulInput is causal, the input at a
cut equals the training-file input at that cycle, so the cuts are rows of the exported features.

For each cap, the 5 seeds are trained and early-stopped exactly as train_rul.py does (target
min(RUL, cap) on all windows of the validation engines); the score is the mean over seeds of each
seed's RMSE on the cuts, against the uncapped RUL.

    python3 select_rul_cap.py FEATURE_DIR SUBSET OUT.json CAP [CAP ...]   (CAP 0 = uncapped)
"""
import json
import os
import sys

import numpy as np
import torch

from train_rul import CONFIG, SEEDS, load_features, train_member, validation_split

TRUNCATIONS = 10
CUT_SEED = 1225
# From ../shared/data/cmapss/README.md: shortest test trajectory, and the range of true test RUL.
MIN_OBSERVED = {'FD001': 31, 'FD002': 21, 'FD003': 38, 'FD004': 19}
MIN_RUL = 6
MAX_RUL = {'FD001': 145, 'FD002': 194, 'FD003': 145, 'FD004': 195}


def phm08(d):
    return float(np.sum(np.where(d < 0, np.exp(-d / 13) - 1, np.exp(d / 10) - 1)))


def cuts(subset, unit, life, val_units):
    """Row indices of the truncated validation trajectories' last cycles."""
    rng = np.random.default_rng(CUT_SEED)
    rows = []
    for u in np.sort(val_units):
        idx = np.flatnonzero(unit == u)
        length = len(idx)
        observed = np.arange(1, length + 1)  # rows are the engine's cycles in order
        ok = idx[(observed >= MIN_OBSERVED[subset]) & (life[idx] >= MIN_RUL) & (life[idx] <= MAX_RUL[subset])]
        rows.extend(rng.choice(ok, size=min(TRUNCATIONS, len(ok)), replace=False).tolist())
    return np.array(rows)


def main(feature_dir, subset, out_path, *caps):
    torch.set_num_threads(1)
    _, x, unit = load_features(feature_dir, subset)
    life = np.fromfile(os.path.join(feature_dir, f'{subset}.life.bin'), dtype=np.float32)
    va, val_units = validation_split(unit)
    rows = cuts(subset, unit, life, val_units)
    truth = life[rows]
    mean = x[~va].mean(0)
    std = np.maximum(x[~va].std(0), 1e-6)
    z = lambda a: ((a - mean) / std).astype(np.float32)
    print(f'{subset}: {len(val_units)} validation engines, {len(rows)} cuts, true RUL {truth.min():.0f}-{truth.max():.0f} '
          f'(mean {truth.mean():.1f}, {int((truth > 125).sum())} above 125)', flush=True)
    results = json.load(open(out_path)) if os.path.exists(out_path) else {}
    for cap in map(float, caps):
        top = cap if cap > 0 else np.inf
        y = np.minimum(life, top).astype(np.float32)
        rmse, rmse125, score, preds, epochs = [], [], [], [], []
        for seed in SEEDS:
            m, _, n = train_member(z(x[~va]), y[~va], z(x[va]), y[va], seed, CONFIG[subset])
            with torch.no_grad():
                p = np.clip(m(torch.from_numpy(z(x[rows]))).numpy()[:, 0], 0, top)
            d = p - truth
            rmse.append(float(np.sqrt(np.mean(d ** 2))))
            rmse125.append(float(np.sqrt(np.mean((p - np.minimum(truth, 125)) ** 2))))
            score.append(phm08(d))
            preds.append(p)
            epochs.append(n)
        ens = np.mean(preds, 0) - truth
        key = 'uncapped' if cap <= 0 else str(int(cap))
        results[key] = {'rmse': float(np.mean(rmse)), 'rmseSd': float(np.std(rmse, ddof=1)), 'rmseTruthCapped125': float(np.mean(rmse125)),
                        'phm08': float(np.mean(score)), 'ensembleRmse': float(np.sqrt(np.mean(ens ** 2))), 'epochs': epochs,
                        'capFloor': float(np.sqrt(np.mean(np.maximum(0, truth - top) ** 2)))}
        r = results[key]
        print(f'{subset} cap {key}: validation RMSE {r["rmse"]:.2f} ± {r["rmseSd"]:.2f} (truth capped at 125: {r["rmseTruthCapped125"]:.2f}; '
              f'cap floor {r["capFloor"]:.2f}) PHM08 {r["phm08"]:.0f}, 5-seed mean {r["ensembleRmse"]:.2f}, epochs {epochs}', flush=True)
        json.dump(results, open(out_path, 'w'), indent=1)


if __name__ == '__main__':
    main(*sys.argv[1:])
