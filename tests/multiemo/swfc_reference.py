"""A straightforward, loop-over-pairs SWFC (Eq. 18-19): the yardstick the vectorised loss is tested
and benchmarked against. Deliberately not in the library."""

from collections import Counter

import torch


def swfc_reference(z, labels, temperature, focusing, sample_weight_exponent, normalize=True):
    if normalize:
        z = z / z.norm(dim=1, keepdim=True)
    labels = labels.tolist()
    n = len(labels)
    counts = Counter(labels)
    total, weight_sum = 0.0, 0.0
    for i in range(n):
        positives = [p for p in range(n) if p != i and labels[p] == labels[i]]
        if not positives:
            continue
        denominator = sum(torch.exp(torch.dot(z[i], z[a]) / temperature) for a in range(n) if a != i)
        anchor_loss = 0.0
        for p in positives:
            s = torch.exp(torch.dot(z[i], z[p]) / temperature) / denominator
            anchor_loss = anchor_loss - (1 - s) ** focusing * torch.log(s)
        weight = (n / counts[labels[i]]) ** sample_weight_exponent
        total = total + weight * anchor_loss / len(positives)
        weight_sum += weight
    return total / weight_sum
