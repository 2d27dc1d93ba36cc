#!/usr/bin/python3
"""Krippendorff's alpha as NLTK computes it, for tests/core/agreement_test.cpp.

Reads lines "CODER<TAB>ITEM<TAB>LABEL" from each file named on the command
line and prints, one line per file, nltk.metrics.agreement.AnnotationTask(
triples).alpha() (binary_distance: nominal) with every digit of the float.
Several files in one run: importing NLTK takes most of a second.
"""
import sys

from nltk.metrics.agreement import AnnotationTask


def main():
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            triples = [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]
        print(repr(AnnotationTask(data=triples).alpha()))


if __name__ == "__main__":
    main()
