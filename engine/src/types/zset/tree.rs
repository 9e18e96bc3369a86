//! The order of a large sorted set: a B+tree whose leaves are packed runs (see `run`), with
//! the entry count of every subtree in its parent, so rank and position queries are
//! O(log n) as with Redis's skiplist spans.
//!
//! Why not a skiplist: a node per entry costs Redis about 40 bytes of pointers and spans plus
//! an allocation; here an entry costs 2 to 10 bytes beside its member, in a leaf shared with
//! up to 127 others, and a lookup touches a handful of cache lines. Why not `BTreeMap`: it has no subtree
//! counts, so ranks would be O(n).
//!
//! Invariants (checked by `check` in tests): all leaves are at the same depth; entries are
//! sorted across leaves; an inner node has `children.len() - 1` separators with
//! `every key of child i < seps[i] <= every key of child i + 1`, and `counts[i]` is the number
//! of entries under child i. Separators are copies of keys taken at split time; deleting that
//! key later leaves the separator valid, so deletions never touch them.
//!
//! Nodes split when full and merge with a sibling when under a quarter full. A node split by
//! an insert at the right edge of the tree (scores arriving in increasing order, the common
//! case of timestamps) keeps the left part full rather than halving it, so sequential loads
//! leave leaves full; likewise at the left edge.

use std::cmp::Ordering;
use std::ops::ControlFlow;

use super::run::{Run, cmp_entry, entry_bytes};

/// At most this many entries per leaf (a linear scan's worst case).
pub(crate) const LEAF_ENTRIES_MAX: usize = 128;
/// A leaf with more than one entry splits past this many bytes (bounds the memmove per
/// insert when members are long).
pub(crate) const LEAF_BYTES_MAX: usize = 4096;
/// At most this many children per inner node.
pub(crate) const INNER_CHILDREN_MAX: usize = 64;

#[derive(Clone, Debug, PartialEq)]
struct Key {
    score: f64,
    member: Box<[u8]>,
}

impl Key {
    fn new(score: f64, member: &[u8]) -> Key {
        Key {
            score,
            member: member.into(),
        }
    }
}

#[derive(Clone)]
enum Node {
    Leaf(Run),
    Inner(Box<Inner>),
}

#[derive(Clone)]
struct Inner {
    seps: Vec<Key>,
    children: Vec<Node>,
    counts: Vec<usize>,
}

/// Whether a node lies on the tree's left or right edge (for the edge-split rule).
#[derive(Clone, Copy)]
struct Edge {
    leftmost: bool,
    rightmost: bool,
}

fn leaf_overflows(run: &Run) -> bool {
    run.len() > LEAF_ENTRIES_MAX || (run.bytes() > LEAF_BYTES_MAX && run.len() > 1)
}

impl Node {
    fn len(&self) -> usize {
        match self {
            Node::Leaf(run) => run.len(),
            Node::Inner(inner) => inner.counts.iter().sum(),
        }
    }

    fn overflows(&self) -> bool {
        match self {
            Node::Leaf(run) => leaf_overflows(run),
            Node::Inner(inner) => inner.children.len() > INNER_CHILDREN_MAX,
        }
    }

    fn underfull(&self) -> bool {
        match self {
            Node::Leaf(run) => run.len() * 4 < LEAF_ENTRIES_MAX && run.bytes() * 4 < LEAF_BYTES_MAX,
            Node::Inner(inner) => inner.children.len() * 4 < INNER_CHILDREN_MAX,
        }
    }

    /// Splits an overflowing node at `at` (a child or entry index): returns the separator and
    /// the new right sibling.
    fn split_at(&mut self, at: usize) -> (Key, Node) {
        match self {
            Node::Leaf(run) => {
                let right = run.split_off(at);
                let (score, member) = right.first().expect("split leaves both halves non-empty");
                (Key::new(score, member), Node::Leaf(right))
            }
            Node::Inner(inner) => {
                let children = inner.children.split_off(at);
                let counts = inner.counts.split_off(at);
                let seps = inner.seps.split_off(at);
                let sep = inner
                    .seps
                    .pop()
                    .expect("an inner node has a separator per gap");
                let right = Inner {
                    seps,
                    children,
                    counts,
                };
                (sep, Node::Inner(Box::new(right)))
            }
        }
    }

    fn split_balanced(&mut self) -> (Key, Node) {
        let at = match self {
            Node::Leaf(run) => run.balanced_split_index(),
            Node::Inner(inner) => inner.children.len() / 2,
        };
        self.split_at(at)
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Node::Leaf(run) => run.heap_bytes(),
            Node::Inner(inner) => {
                let own = size_of::<Inner>()
                    + inner.seps.capacity() * size_of::<Key>()
                    + inner.children.capacity() * size_of::<Node>()
                    + inner.counts.capacity() * size_of::<usize>();
                let seps: usize = inner.seps.iter().map(|k| k.member.len()).sum();
                let children: usize = inner.children.iter().map(Node::heap_bytes).sum();
                own + seps + children
            }
        }
    }
}

impl Inner {
    /// The child whose key range holds (score, member): the number of separators <= it.
    fn child_for(&self, score: f64, member: &[u8]) -> usize {
        self.seps
            .partition_point(|k| cmp_entry(k.score, &k.member, score, member) != Ordering::Greater)
    }

    /// The child holding rank `rank`, and the rank inside it.
    fn locate(&self, mut rank: usize) -> (usize, usize) {
        for (i, &count) in self.counts.iter().enumerate() {
            if rank < count {
                return (i, rank);
            }
            rank -= count;
        }
        panic!("rank past the end of an inner node");
    }

    fn insert_child(&mut self, at: usize, sep: Key, child: Node) {
        let count = child.len();
        self.seps.insert(at - 1, sep);
        self.children.insert(at, child);
        self.counts.insert(at, count);
    }

    fn remove_child(&mut self, i: usize) {
        self.children.remove(i);
        self.counts.remove(i);
        // The separator between the neighbours of a removed child: the one on its right
        // still divides them (its left neighbour's keys are below the removed one's).
        self.seps.remove(i.saturating_sub(1));
    }

    /// Merges child `i` with a sibling if it is under a quarter full, re-splitting the result
    /// in the middle if it is then too big.
    fn fix_underfull(&mut self, i: usize) {
        if self.children.len() < 2 || !self.children[i].underfull() {
            return;
        }
        let l = if i + 1 < self.children.len() {
            i
        } else {
            i - 1
        };
        let right = self.children.remove(l + 1);
        self.counts[l] += self.counts.remove(l + 1);
        let sep = self.seps.remove(l);
        merge_nodes(&mut self.children[l], sep, right);
        if self.children[l].overflows() {
            let (key, right) = self.children[l].split_balanced();
            self.counts[l] -= right.len();
            self.insert_child(l + 1, key, right);
        }
    }
}

#[derive(Clone)]
pub(crate) struct Tree {
    root: Node,
    len: usize,
}

impl Default for Tree {
    fn default() -> Self {
        Tree::new()
    }
}

impl Tree {
    pub(crate) fn new() -> Tree {
        Tree {
            root: Node::Leaf(Run::new()),
            len: 0,
        }
    }

    /// Builds a tree from entries in strictly increasing (score, member) order, packing the
    /// leaves full.
    pub(crate) fn from_sorted<'a>(entries: impl IntoIterator<Item = (f64, &'a [u8])>) -> Tree {
        let mut level: Vec<(Key, Node)> = Vec::new();
        let mut run = Run::new();
        let mut len = 0;
        for (score, member) in entries {
            let fits = run.len() < LEAF_ENTRIES_MAX
                && (run.is_empty() || run.bytes() + entry_bytes(score, member) <= LEAF_BYTES_MAX);
            if !fits {
                let full = std::mem::take(&mut run);
                push_leaf(&mut level, full);
            }
            run.push(score, member);
            len += 1;
        }
        if !run.is_empty() || level.is_empty() {
            push_leaf(&mut level, run);
        }
        while level.len() > 1 {
            level = build_level(level);
        }
        let (_, root) = level.pop().expect("at least one node");
        Tree { root, len }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.root.heap_bytes()
    }

    /// Inserts an entry that is not present.
    pub(crate) fn insert(&mut self, score: f64, member: &[u8]) {
        let edge = Edge {
            leftmost: true,
            rightmost: true,
        };
        if let Some((key, right)) = insert_rec(&mut self.root, score, member, edge) {
            let left = std::mem::replace(&mut self.root, Node::Leaf(Run::new()));
            let counts = vec![left.len(), right.len()];
            self.root = Node::Inner(Box::new(Inner {
                seps: vec![key],
                children: vec![left, right],
                counts,
            }));
        }
        self.len += 1;
    }

    /// Removes an entry; false if it was not there.
    pub(crate) fn remove(&mut self, score: f64, member: &[u8]) -> bool {
        if !remove_rec(&mut self.root, score, member) {
            return false;
        }
        self.len -= 1;
        self.collapse_root();
        true
    }

    /// Removes the entries of ranks `start..end`.
    pub(crate) fn remove_range(&mut self, start: usize, end: usize) {
        assert!(start <= end && end <= self.len, "rank range out of bounds");
        if start == end {
            return;
        }
        if start == 0 && end == self.len {
            *self = Tree::new();
            return;
        }
        remove_range_rec(&mut self.root, start, end);
        self.len -= end - start;
        self.collapse_root();
    }

    fn collapse_root(&mut self) {
        while let Node::Inner(inner) = &mut self.root
            && inner.children.len() == 1
        {
            let only = inner.children.pop().expect("one child");
            self.root = only;
        }
    }

    /// The rank of an entry, if present.
    pub(crate) fn rank(&self, score: f64, member: &[u8]) -> Option<usize> {
        let mut node = &self.root;
        let mut rank = 0;
        loop {
            match node {
                Node::Leaf(run) => return run.search(score, member).ok().map(|(i, _)| rank + i),
                Node::Inner(inner) => {
                    let i = inner.child_for(score, member);
                    rank += inner.counts[..i].iter().sum::<usize>();
                    node = &inner.children[i];
                }
            }
        }
    }

    /// Whether `member` is present with a score equal to `score`, bit for bit (the search
    /// itself treats -0 and 0 as equal, as Redis orders them).
    pub(crate) fn contains_exact(&self, score: f64, member: &[u8]) -> bool {
        let mut node = &self.root;
        loop {
            match node {
                Node::Leaf(run) => {
                    return run
                        .search(score, member)
                        .is_ok_and(|(_, off)| run.entry_at(off).0.to_bits() == score.to_bits());
                }
                Node::Inner(inner) => node = &inner.children[inner.child_for(score, member)],
            }
        }
    }

    /// The entry of rank `rank`.
    pub(crate) fn get(&self, mut rank: usize) -> Option<(f64, &[u8])> {
        if rank >= self.len {
            return None;
        }
        let mut node = &self.root;
        loop {
            match node {
                Node::Leaf(run) => return run.nth(rank),
                Node::Inner(inner) => {
                    let (i, inside) = inner.locate(rank);
                    node = &inner.children[i];
                    rank = inside;
                }
            }
        }
    }

    /// The number of leading entries for which `pred` holds; `pred` must be monotone over
    /// the (score, member) order (true, then false).
    pub(crate) fn partition_point(&self, mut pred: impl FnMut(f64, &[u8]) -> bool) -> usize {
        let mut node = &self.root;
        let mut rank = 0;
        loop {
            match node {
                Node::Leaf(run) => return rank + run.partition_point(pred),
                Node::Inner(inner) => {
                    let i = inner.seps.partition_point(|k| pred(k.score, &k.member));
                    rank += inner.counts[..i].iter().sum::<usize>();
                    node = &inner.children[i];
                }
            }
        }
    }

    /// Calls `f` on the entries of ranks `start..end`, in order or in reverse, until it breaks.
    pub(crate) fn visit(
        &self,
        start: usize,
        end: usize,
        reverse: bool,
        f: &mut dyn FnMut(f64, &[u8]) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        assert!(start <= end && end <= self.len, "rank range out of bounds");
        if start == end {
            return ControlFlow::Continue(());
        }
        visit_rec(&self.root, start, end, reverse, f)
    }

    /// Checks every structural invariant (see the module doc); for tests.
    #[cfg(test)]
    pub(crate) fn check(&self) {
        fn walk(node: &Node, depth: usize, depths: &mut Vec<usize>, is_root: bool) -> usize {
            match node {
                Node::Leaf(run) => {
                    depths.push(depth);
                    let entries: Vec<_> = run.iter().collect();
                    for pair in entries.windows(2) {
                        assert_eq!(
                            cmp_entry(pair[0].0, pair[0].1, pair[1].0, pair[1].1),
                            Ordering::Less
                        );
                    }
                    assert!(is_root || !run.is_empty(), "empty non-root leaf");
                    run.len()
                }
                Node::Inner(inner) => {
                    assert!(inner.children.len() >= 2 || !is_root);
                    assert!(!inner.children.is_empty());
                    assert_eq!(inner.seps.len() + 1, inner.children.len());
                    assert_eq!(inner.counts.len(), inner.children.len());
                    for (i, child) in inner.children.iter().enumerate() {
                        let n = walk(child, depth + 1, depths, false);
                        assert_eq!(n, inner.counts[i], "stale subtree count");
                        if let Some((s, m)) = first_entry(child)
                            && i > 0
                        {
                            let sep = &inner.seps[i - 1];
                            assert_ne!(cmp_entry(sep.score, &sep.member, s, m), Ordering::Greater);
                        }
                        if let Some((s, m)) = last_entry(child)
                            && i < inner.seps.len()
                        {
                            let sep = &inner.seps[i];
                            assert_eq!(cmp_entry(s, m, sep.score, &sep.member), Ordering::Less);
                        }
                    }
                    inner.counts.iter().sum()
                }
            }
        }
        let mut depths = Vec::new();
        assert_eq!(walk(&self.root, 0, &mut depths, true), self.len);
        assert!(
            depths.windows(2).all(|d| d[0] == d[1]),
            "leaves at different depths"
        );
    }
}

#[cfg(test)]
fn first_entry(node: &Node) -> Option<(f64, &[u8])> {
    match node {
        Node::Leaf(run) => run.first(),
        Node::Inner(inner) => inner.children.iter().find_map(first_entry),
    }
}

#[cfg(test)]
fn last_entry(node: &Node) -> Option<(f64, &[u8])> {
    match node {
        Node::Leaf(run) => run.last(),
        Node::Inner(inner) => inner.children.iter().rev().find_map(last_entry),
    }
}

fn push_leaf(level: &mut Vec<(Key, Node)>, run: Run) {
    let key = run
        .first()
        .map_or_else(|| Key::new(0.0, b""), |(s, m)| Key::new(s, m));
    level.push((key, Node::Leaf(run)));
    rebalance_last_pair(level);
}

/// Bulk loading packs nodes full, which can leave the last one nearly empty: even it out with
/// its left neighbour.
fn rebalance_last_pair(level: &mut Vec<(Key, Node)>) {
    let n = level.len();
    if n < 2 || !level[n - 1].1.underfull() {
        return;
    }
    let (right_key, right) = level.pop().expect("two nodes");
    let left = &mut level[n - 2].1;
    merge_nodes(left, right_key, right);
    if left.overflows() {
        let (key, right) = left.split_balanced();
        level.push((key, right));
    }
}

/// Appends `right` (a sibling at the same depth, all of whose keys are greater) to `left`;
/// `sep` divides them (inner nodes keep it, leaves drop it).
fn merge_nodes(left: &mut Node, sep: Key, right: Node) {
    match (left, right) {
        (Node::Leaf(a), Node::Leaf(mut b)) => a.append(&mut b),
        (Node::Inner(a), Node::Inner(b)) => {
            let b = *b;
            a.seps.push(sep);
            a.seps.extend(b.seps);
            a.children.extend(b.children);
            a.counts.extend(b.counts);
        }
        _ => unreachable!("siblings are at the same depth"),
    }
}

/// Groups one level of (first key, node) into parents of at most `INNER_CHILDREN_MAX`.
fn build_level(level: Vec<(Key, Node)>) -> Vec<(Key, Node)> {
    let mut parents: Vec<(Key, Node)> = Vec::new();
    let mut current: Option<(Key, Inner)> = None;
    for (key, node) in level {
        let count = node.len();
        match &mut current {
            Some((_, inner)) if inner.children.len() < INNER_CHILDREN_MAX => {
                inner.seps.push(key);
                inner.children.push(node);
                inner.counts.push(count);
            }
            _ => {
                if let Some((first, inner)) = current.take() {
                    parents.push((first, Node::Inner(Box::new(inner))));
                    rebalance_last_pair(&mut parents);
                }
                let inner = Inner {
                    seps: Vec::new(),
                    children: vec![node],
                    counts: vec![count],
                };
                current = Some((key, inner));
            }
        }
    }
    if let Some((first, inner)) = current {
        parents.push((first, Node::Inner(Box::new(inner))));
        rebalance_last_pair(&mut parents);
    }
    parents
}

fn insert_rec(node: &mut Node, score: f64, member: &[u8], edge: Edge) -> Option<(Key, Node)> {
    match node {
        Node::Leaf(run) => {
            let (index, off) = match run.search(score, member) {
                Err(position) => position,
                Ok(_) => panic!("insert of an entry already present"),
            };
            run.insert_at(off, score, member);
            if !leaf_overflows(run) {
                return None;
            }
            let at = if edge.rightmost && index + 1 == run.len() {
                run.len() - 1
            } else if edge.leftmost && index == 0 {
                1
            } else {
                run.balanced_split_index()
            };
            Some(node.split_at(at))
        }
        Node::Inner(inner) => {
            let i = inner.child_for(score, member);
            inner.counts[i] += 1;
            let last = inner.children.len() - 1;
            let child_edge = Edge {
                leftmost: edge.leftmost && i == 0,
                rightmost: edge.rightmost && i == last,
            };
            let (key, right) = insert_rec(&mut inner.children[i], score, member, child_edge)?;
            inner.counts[i] -= right.len();
            inner.insert_child(i + 1, key, right);
            let n = inner.children.len();
            if n <= INNER_CHILDREN_MAX {
                return None;
            }
            let at = if child_edge.rightmost && edge.rightmost {
                n - 1
            } else if child_edge.leftmost && edge.leftmost {
                1
            } else {
                n / 2
            };
            Some(node.split_at(at))
        }
    }
}

fn remove_rec(node: &mut Node, score: f64, member: &[u8]) -> bool {
    match node {
        Node::Leaf(run) => match run.search(score, member) {
            Ok((_, off)) => {
                run.remove_at(off);
                true
            }
            Err(_) => false,
        },
        Node::Inner(inner) => {
            let i = inner.child_for(score, member);
            if !remove_rec(&mut inner.children[i], score, member) {
                return false;
            }
            inner.counts[i] -= 1;
            inner.fix_underfull(i);
            true
        }
    }
}

/// Removes ranks `start..end` (relative to `node`, a strict part of it).
fn remove_range_rec(node: &mut Node, start: usize, end: usize) {
    let inner = match node {
        Node::Leaf(run) => return run.remove_range(start, end),
        Node::Inner(inner) => inner,
    };
    // Right to left, so removing a child keeps the indexes still to visit valid.
    let mut child_end: usize = inner.counts.iter().sum();
    let mut partial: smallvec::SmallVec<[usize; 2]> = smallvec::SmallVec::new();
    for i in (0..inner.children.len()).rev() {
        let child_start = child_end - inner.counts[i];
        if child_start < end && child_end > start {
            if start <= child_start && child_end <= end {
                inner.remove_child(i);
                for p in partial.iter_mut() {
                    *p -= 1;
                }
            } else {
                let (a, b) = (start.max(child_start), end.min(child_end));
                remove_range_rec(&mut inner.children[i], a - child_start, b - child_start);
                inner.counts[i] -= b - a;
                partial.push(i);
            }
        }
        child_end = child_start;
    }
    // `partial` is in decreasing order; merging at the right one never moves the left one.
    for p in partial {
        if p < inner.children.len() {
            inner.fix_underfull(p);
        }
    }
}

fn visit_rec(
    node: &Node,
    start: usize,
    end: usize,
    reverse: bool,
    f: &mut dyn FnMut(f64, &[u8]) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let inner = match node {
        Node::Leaf(run) => return run.visit(start, end, reverse, f),
        Node::Inner(inner) => inner,
    };
    let mut visit_child = |i: usize, child_start: usize| {
        let child_end = child_start + inner.counts[i];
        if child_start < end && child_end > start {
            let (a, b) = (start.max(child_start), end.min(child_end));
            visit_rec(
                &inner.children[i],
                a - child_start,
                b - child_start,
                reverse,
                f,
            )
        } else {
            ControlFlow::Continue(())
        }
    };
    if reverse {
        let mut child_end: usize = inner.counts.iter().sum();
        for i in (0..inner.children.len()).rev() {
            let child_start = child_end - inner.counts[i];
            if child_end <= start {
                break;
            }
            visit_child(i, child_start)?;
            child_end = child_start;
        }
    } else {
        let mut child_start = 0;
        for i in 0..inner.children.len() {
            if child_start >= end {
                break;
            }
            visit_child(i, child_start)?;
            child_start += inner.counts[i];
        }
    }
    ControlFlow::Continue(())
}
