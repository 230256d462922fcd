"""Tooling for instructors and maintainers: exercise generation, notebook execution, grading.

Learner-facing modules never import this package.
"""
