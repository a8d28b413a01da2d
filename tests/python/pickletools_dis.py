"""Prints pickletools.dis of the pickle on stdin, as CPython 3.11 prints it."""
import pickletools
import sys

pickletools.dis(sys.stdin.buffer.read())
