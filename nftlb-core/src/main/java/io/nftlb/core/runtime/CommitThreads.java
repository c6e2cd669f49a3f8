package io.nftlb.core.runtime;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The threads that commit, one leading at a time (a leader/follower pool, normally of two).
 *
 * <p>The leader waits for work, commits, and then completes its callers' futures itself:
 * handing them to another thread instead costs a wake-up of that thread before the caller's
 * own, measured at 30-100 µs of a 100-200 µs change. But completing a future runs the caller's
 * dependent actions, and one of them may wait for the load balancer. So while it completes, the
 * leader {@linkplain #stepDown steps down}; it {@linkplain #resume takes the role back} after,
 * unless another thread took it meanwhile, and then parks as the spare (or ends, if there
 * already is one). The parked spare takes the vacant role:
 * <ul>
 *   <li>at once when a dependent action, running on one of these threads, needs the load
 *       balancer ({@link #promoteIfVacant}: a change or {@code close});
 *   <li>when the role has been vacant for {@link #GRACE_NANOS}, which only an action that
 *       blocks (or works long) makes it: the spare looks every {@link #TICK_NANOS} while
 *       commits are being made, and sleeps when there were none for {@link #IDLE_NANOS}.
 * </ul>
 * A change from any other thread while the role is vacant wakes nobody: the leader is back
 * within microseconds and finds it queued. (Waking the spare for it made half of the changes of
 * a caller that waits for each one pay for a third thread on the CPU, and cancelled the gain.)
 *
 * <p>These timers read the system's monotonic clock, not the builder's {@link TaskScheduler}:
 * they measure how long an OS thread has been kept by a caller's action, which only real time
 * can tell, and they change which thread commits, never what is committed or when a change is
 * due (that is {@link CommitTimers}' part).
 *
 * <p>Every method but {@link #start} and {@link #awaitEnd} is called with {@code lock} held.
 */
final class CommitThreads {

    /** How long a vacant role is left to the old leader: far more than completing futures takes. */
    static final long GRACE_NANOS = 1_000_000;
    /** How often the spare looks at the role while commits are being made. */
    static final long TICK_NANOS = 10_000_000;
    /** After how long without a commit the spare stops looking until the next one. */
    static final long IDLE_NANOS = 1_000_000_000;

    private final ReentrantLock lock;
    private final Runnable lead;
    private final Condition wake;
    private final Condition ended;
    private final Set<Thread> pool = new HashSet<>();
    private Thread leader; // null while the last leader completes futures and nobody took over
    private Thread spare;
    private boolean spareAsleep; // parked until the next step-down, not looking
    private boolean promote; // a dependent action needs a leader while the role is vacant
    private long vacantSince; // System.nanoTime() when the leader last stepped down
    private boolean started;
    private boolean stopped;
    private int count;

    /**
     * @param lead the leader's loop: returns once this thread {@linkplain #leads no longer
     *     leads} (it stepped down and someone took over), or after {@link #end}
     */
    CommitThreads(ReentrantLock lock, Runnable lead) {
        this.lock = lock;
        this.lead = lead;
        this.wake = lock.newCondition();
        this.ended = lock.newCondition();
    }

    /** Starts the leader and the spare. */
    void start() {
        lock.lock();
        try {
            started = true;
            vacantSince = System.nanoTime();
            leader = newThread();
            spare = newThread();
            leader.start();
            spare.start();
        } finally {
            lock.unlock();
        }
    }

    boolean leads(Thread thread) {
        return leader == thread;
    }

    /** The leader is about to complete futures: the role is vacant until it {@link #resume}s. */
    void stepDown() {
        assert lock.isHeldByCurrentThread() && leader == Thread.currentThread();
        leader = null;
        promote = false;
        vacantSince = System.nanoTime();
        if (spareAsleep) {
            spareAsleep = false;
            wake.signalAll(); // commits are being made again: look at the role every tick
        }
    }

    /**
     * After completing futures: takes the role back if it is still vacant.
     *
     * @return whether this thread leads again; if not, it returns to the pool
     */
    boolean resume() {
        assert lock.isHeldByCurrentThread();
        if (leader == null && !stopped) {
            leader = Thread.currentThread();
        }
        return leads(Thread.currentThread());
    }

    /**
     * Called when a change is queued or the load balancer closes: if that comes from a
     * dependent action on one of these threads while the role is vacant, the spare (or a new
     * thread, if the spare is busy in an action too) takes the role now.
     */
    void promoteIfVacant() {
        assert lock.isHeldByCurrentThread();
        if (leader != null || stopped || !started || promote || !pool.contains(Thread.currentThread())) {
            return;
        }
        promote = true;
        if (spare != null) {
            wake.signalAll();
        } else {
            newThread().start();
        }
    }

    /** The leader's loop ended for good: the others end, and {@link #awaitEnd} returns. */
    void end() {
        assert lock.isHeldByCurrentThread();
        stopped = true;
        leader = null;
        wake.signalAll();
        ended.signalAll();
    }

    /** Waits until {@link #end}; at once if the threads never started. */
    void awaitEnd() {
        boolean interrupted = false;
        lock.lock();
        try {
            while (started && !stopped) {
                try {
                    ended.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private Thread newThread() {
        Thread thread = Thread.ofPlatform().daemon().name("nftlb-commit-" + ++count).unstarted(this::serve);
        pool.add(thread);
        return thread;
    }

    /** The body of every thread: lead while leading, else wait as the spare. */
    private void serve() {
        try {
            while (awaitLead()) {
                lead.run();
            }
        } finally {
            lock.lock();
            try {
                pool.remove(Thread.currentThread());
            } finally {
                lock.unlock();
            }
        }
    }

    /** @return true once this thread leads; false if it is not needed (stopped, or another is the spare) */
    private boolean awaitLead() {
        Thread me = Thread.currentThread();
        lock.lock();
        try {
            while (!leads(me)) {
                if (stopped || (spare != null && spare != me)) {
                    return false;
                }
                spare = me;
                long vacant = System.nanoTime() - vacantSince;
                if (leader == null && (promote || vacant >= GRACE_NANOS)) {
                    spare = null;
                    spareAsleep = false;
                    leader = me;
                    promote = false;
                    return true;
                }
                try {
                    if (leader == null) {
                        wake.awaitNanos(GRACE_NANOS - vacant);
                    } else if (vacant >= IDLE_NANOS) {
                        spareAsleep = true;
                        while (spareAsleep && !stopped && !promote) {
                            wake.await();
                        }
                    } else {
                        wake.awaitNanos(TICK_NANOS);
                    }
                } catch (InterruptedException e) {
                    // Nothing interrupts these threads on purpose; keep serving.
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
