"""Hypothesis strategies shared by the parsers' property tests."""

from hypothesis import strategies as st

# Any JSON value, as a web API might answer instead of what its documentation says.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
