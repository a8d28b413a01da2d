//! Cases of the `indexmap` feature (`IndexMap` and `IndexSet`) and the Python
//! expressions of the same objects.

use super::{case, Case};
use indexmap::{IndexMap, IndexSet};

pub fn all() -> Vec<Case> {
    vec![
        case("indexmap empty", "{}", IndexMap::<String, i64>::new()),
        case(
            "indexmap order",
            "{'zeta': [1], 'alpha': [2], 'mid': [3]}",
            IndexMap::from([
                ("zeta".to_owned(), vec![1i64]),
                ("alpha".to_owned(), vec![2]),
                ("mid".to_owned(), vec![3]),
            ]),
        ),
        case(
            "indexmap 1000",
            "{i: str(i) for i in range(999, -1, -1)}",
            (0..1000i64)
                .rev()
                .map(|i| (i, i.to_string()))
                .collect::<IndexMap<_, _>>(),
        ),
        case(
            "indexmap 1001",
            "{-i: i for i in range(1001)}",
            (0..1001i64).map(|i| (-i, i)).collect::<IndexMap<_, _>>(),
        ),
        case("indexset empty", "set()", IndexSet::<i64>::new()),
        case("indexset", "{1, 2, 3}", IndexSet::<i64>::from([1, 2, 3])),
        case(
            "indexset 1000",
            "set(range(1000))",
            (0..1000i64).collect::<IndexSet<_>>(),
        ),
        case(
            "indexset 1001",
            "set(range(1001))",
            (0..1001i64).collect::<IndexSet<_>>(),
        ),
    ]
}
