//! Channel assembly: frames -> complete channels, with the spec's ordering,
//! duplicate and timeout rules.
//!
//! Two rule sets exist and both are implemented because which one applies is a
//! fork choice of the rollup:
//! * pre-Holocene (op-node `ChannelBank` + `Channel.AddFrame`): channels may
//!   interleave; duplicate frames and frames past the closing frame are
//!   ignored; a channel is ready when frames `0..=last` are all present; a
//!   channel opened at L1 block `n` times out once the current L1 block is
//!   greater than `n + channel_timeout`; from Canyon on, any ready channel in
//!   the queue may be read, before that only the oldest one.
//! * Holocene (`ChannelAssembler` + frame-queue pruning): one channel at a
//!   time, frames must arrive in order, a new frame 0 replaces an unfinished
//!   channel, anything else out of order is dropped.
//!
//! Dropped frames and channels are not errors in the protocol (derivation just
//! moves on), so they are reported as [`Note`]s, not [`crate::DaError`]s.

use alloc::{
    collections::{btree_map::Entry, BTreeMap, BTreeSet},
    format,
    string::String,
    vec::Vec,
};

use refute_forks::{OpForkSchedule, OpHardfork};

use crate::frame::{ChannelId, Frame};

/// op-node `frameOverhead`: bytes a frame counts for against the bank size.
const FRAME_SIZE_OVERHEAD: usize = 200;

/// Rules for channel assembly.
#[derive(Clone, Copy, Debug)]
pub struct ChannelRules {
    /// Channel timeout in L1 blocks (300 before Granite, 50 after).
    pub channel_timeout: u64,
    /// Canyon: read any ready channel, not only the oldest.
    pub canyon: bool,
    /// Holocene: strict frame ordering, one channel at a time.
    pub holocene: bool,
    /// Total size (frame data + 200 per frame) kept before the oldest channels are pruned.
    pub max_bank_size: usize,
}

impl Default for ChannelRules {
    fn default() -> Self {
        ChannelRules { channel_timeout: 300, canyon: true, holocene: false, max_bank_size: 100_000_000 }
    }
}

/// op-node `ChannelTimeoutGranite`: the channel timeout from Granite on (L1 blocks).
pub const CHANNEL_TIMEOUT_GRANITE: u64 = 50;

impl ChannelRules {
    /// The rules of `forks` at `timestamp`; `channel_timeout_bedrock` is the chain's
    /// timeout before Granite (op-node's `channel_timeout`).
    pub fn at(forks: &OpForkSchedule, timestamp: u64, channel_timeout_bedrock: u64) -> Self {
        let channel_timeout = if forks.is_active(OpHardfork::Granite, timestamp) {
            CHANNEL_TIMEOUT_GRANITE
        } else {
            channel_timeout_bedrock
        };
        ChannelRules {
            channel_timeout,
            canyon: forks.is_active(OpHardfork::Canyon, timestamp),
            holocene: forks.is_active(OpHardfork::Holocene, timestamp),
            ..ChannelRules::default()
        }
    }
}

/// A complete channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadyChannel {
    pub id: ChannelId,
    /// L1 block of the first frame seen.
    pub open_block: u64,
    /// L1 block of the frame that completed it.
    pub ready_block: u64,
    pub frame_count: usize,
    /// The concatenated frame data (compressed channel).
    pub data: Vec<u8>,
}

/// Something the assembler ignored, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub l1_block: u64,
    pub channel_id: ChannelId,
    pub frame_number: Option<u16>,
    pub message: String,
}

/// A channel whose first frame seen is not its frame 0. Either it opened
/// before the first L1 block read, so the data read cannot show what it
/// holds, or (before Holocene) its frames were posted out of order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadlessChannel {
    pub id: ChannelId,
    /// L1 block of the first frame seen.
    pub l1_block: u64,
    /// Number of the first frame seen (not 0).
    pub frame_number: u16,
}

#[derive(Debug)]
struct Channel {
    open_block: u64,
    highest_block: u64,
    closed: bool,
    end: u16,
    highest: u16,
    inputs: BTreeMap<u16, Vec<u8>>,
    size: usize,
}

impl Channel {
    fn new(open_block: u64) -> Self {
        Channel {
            open_block,
            highest_block: open_block,
            closed: false,
            end: 0,
            highest: 0,
            inputs: BTreeMap::new(),
            size: 0,
        }
    }

    /// op-node `Channel.AddFrame`; `Err` is the reason the frame was ignored.
    fn add(&mut self, f: Frame, l1_block: u64) -> Result<(), String> {
        if self.closed && f.is_last {
            return Err("cannot add an ending frame to a closed channel".into());
        }
        if self.inputs.contains_key(&f.number) {
            return Err("duplicate frame".into());
        }
        if self.closed && f.number >= self.end {
            return Err(format!("frame number {} is not below the closing frame number {}", f.number, self.end));
        }
        if f.is_last {
            self.end = f.number;
            self.closed = true;
            if self.end < self.highest {
                let pruned: Vec<u16> = self.inputs.range(self.end..).map(|(k, _)| *k).collect();
                for k in pruned {
                    if let Some(d) = self.inputs.remove(&k) {
                        self.size -= d.len() + FRAME_SIZE_OVERHEAD;
                    }
                }
                self.highest = self.end;
            }
        }
        if f.number > self.highest {
            self.highest = f.number;
        }
        self.highest_block = self.highest_block.max(l1_block);
        self.size += f.data.len() + FRAME_SIZE_OVERHEAD;
        self.inputs.insert(f.number, f.data);
        Ok(())
    }

    fn is_ready(&self) -> bool {
        self.closed && self.inputs.len() == usize::from(self.end) + 1
    }

    fn take(self, id: ChannelId) -> ReadyChannel {
        let frame_count = self.inputs.len();
        let mut data = Vec::with_capacity(self.size);
        for (_, d) in self.inputs {
            data.extend_from_slice(&d);
        }
        ReadyChannel { id, open_block: self.open_block, ready_block: self.highest_block, frame_count, data }
    }
}

/// Assembles frames into channels. Feed frames in L1 order with [`Assembler::ingest`].
#[derive(Debug)]
pub struct Assembler {
    rules: ChannelRules,
    channels: BTreeMap<ChannelId, Channel>,
    queue: Vec<ChannelId>,
    ready: Vec<ReadyChannel>,
    notes: Vec<Note>,
    /// Every channel id a frame has named.
    seen: BTreeSet<ChannelId>,
    headless: Vec<HeadlessChannel>,
    /// Holocene: the frame number expected next in the open channel.
    next_number: u16,
}

impl Assembler {
    pub fn new(rules: ChannelRules) -> Self {
        Assembler {
            rules,
            channels: BTreeMap::new(),
            queue: Vec::new(),
            ready: Vec::new(),
            notes: Vec::new(),
            seen: BTreeSet::new(),
            headless: Vec::new(),
            next_number: 0,
        }
    }

    fn note(&mut self, l1_block: u64, id: ChannelId, number: Option<u16>, message: impl Into<String>) {
        self.notes.push(Note { l1_block, channel_id: id, frame_number: number, message: message.into() });
    }

    fn timed_out(&self, open_block: u64, l1_block: u64) -> bool {
        open_block.saturating_add(self.rules.channel_timeout) < l1_block
    }

    /// Adds one frame seen in L1 block `l1_block`, then moves ready channels out.
    pub fn ingest(&mut self, l1_block: u64, frame: Frame) {
        if self.seen.insert(frame.channel_id) && frame.number != 0 {
            self.headless.push(HeadlessChannel { id: frame.channel_id, l1_block, frame_number: frame.number });
        }
        if self.rules.holocene {
            self.ingest_holocene(l1_block, frame);
        } else {
            self.ingest_bank(l1_block, frame);
            self.read_bank(l1_block);
        }
    }

    fn ingest_bank(&mut self, l1_block: u64, frame: Frame) {
        let id = frame.channel_id;
        if let Entry::Vacant(slot) = self.channels.entry(id) {
            slot.insert(Channel::new(l1_block));
            self.queue.push(id);
        }
        let ch = self.channels.get(&id).expect("inserted above");
        if self.timed_out(ch.open_block, l1_block) {
            let open = ch.open_block;
            self.note(
                l1_block,
                id,
                Some(frame.number),
                format!("channel opened at L1 block {open} has timed out; frame ignored"),
            );
            return;
        }
        let number = frame.number;
        if let Err(why) = self.channels.get_mut(&id).expect("present").add(frame, l1_block) {
            self.note(l1_block, id, Some(number), why);
        }
        self.prune(l1_block);
    }

    fn prune(&mut self, l1_block: u64) {
        let mut total: usize = self.channels.values().map(|c| c.size).sum();
        while total > self.rules.max_bank_size && !self.queue.is_empty() {
            let id = self.queue.remove(0);
            if let Some(c) = self.channels.remove(&id) {
                total -= c.size;
            }
            self.note(l1_block, id, None, "channel bank over its size limit: oldest channel pruned");
        }
    }

    fn read_bank(&mut self, l1_block: u64) {
        loop {
            let Some(&first) = self.queue.first() else { return };
            let open = self.channels[&first].open_block;
            if self.timed_out(open, l1_block) {
                self.queue.remove(0);
                self.channels.remove(&first);
                self.note(
                    l1_block,
                    first,
                    None,
                    format!("channel opened at L1 block {open} timed out before it was complete; dropped"),
                );
                continue;
            }
            let limit = if self.rules.canyon { self.queue.len() } else { 1 };
            let mut found = None;
            for i in 0..limit {
                let id = self.queue[i];
                let ch = &self.channels[&id];
                if !self.timed_out(ch.open_block, l1_block) && ch.is_ready() {
                    found = Some(i);
                    break;
                }
            }
            let Some(i) = found else { return };
            let id = self.queue.remove(i);
            let ch = self.channels.remove(&id).expect("queued channel exists");
            self.ready.push(ch.take(id));
        }
    }

    fn ingest_holocene(&mut self, l1_block: u64, frame: Frame) {
        let id = frame.channel_id;
        let number = frame.number;
        if let Some(&cur) = self.queue.first() {
            let open = self.channels[&cur].open_block;
            if self.timed_out(open, l1_block) {
                self.queue.clear();
                self.channels.clear();
                self.note(
                    l1_block,
                    cur,
                    None,
                    format!("channel opened at L1 block {open} timed out before it was complete; dropped"),
                );
            }
        }
        match self.queue.first().copied() {
            Some(cur) if cur == id && number == self.next_number => {}
            Some(cur) if number == 0 => {
                self.queue.clear();
                self.channels.clear();
                self.note(l1_block, cur, None, "unfinished channel replaced by a new first frame; dropped");
            }
            Some(_) => {
                self.note(
                    l1_block,
                    id,
                    Some(number),
                    format!("out-of-order frame (expected frame {} of the open channel)", self.next_number),
                );
                return;
            }
            None if number != 0 => {
                self.note(l1_block, id, Some(number), "frame is not the first frame of a new channel");
                return;
            }
            None => {}
        }
        if self.queue.is_empty() {
            self.channels.insert(id, Channel::new(l1_block));
            self.queue.push(id);
            self.next_number = 0;
        }
        let ch = self.channels.get_mut(&id).expect("open channel");
        let is_last = frame.is_last;
        if let Err(why) = ch.add(frame, l1_block) {
            self.note(l1_block, id, Some(number), why);
            return;
        }
        if ch.size > self.rules.max_bank_size {
            self.queue.clear();
            self.channels.clear();
            self.note(l1_block, id, Some(number), "channel exceeds the size limit; dropped");
            return;
        }
        self.next_number = number.wrapping_add(1);
        if is_last {
            self.queue.clear();
            let ch = self.channels.remove(&id).expect("open channel");
            self.ready.push(ch.take(id));
        }
    }

    /// Channels completed so far, in the order they became readable.
    pub fn take_ready(&mut self) -> Vec<ReadyChannel> {
        core::mem::take(&mut self.ready)
    }

    /// Everything ignored so far.
    pub fn take_notes(&mut self) -> Vec<Note> {
        core::mem::take(&mut self.notes)
    }

    /// Channels first seen at a frame other than frame 0, in the order seen.
    pub fn headless(&self) -> &[HeadlessChannel] {
        &self.headless
    }

    /// Channels still waiting for frames: (id, frames held, closed).
    pub fn pending(&self) -> Vec<(ChannelId, usize, bool)> {
        self.queue
            .iter()
            .map(|id| {
                let c = &self.channels[id];
                (*id, c.inputs.len(), c.closed)
            })
            .collect()
    }
}
