/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KEEL_SPINLOCK_H
#define KEEL_SPINLOCK_H

#include <keel/types.h>

/* Ticket lock: FIFO fair, so no CPU starves under contention. */
typedef struct spinlock {
    volatile uint16_t head;     /* ticket being served */
    volatile uint16_t tail;     /* next ticket to hand out */
} spinlock_t;

#define SPIN_LOCK_UNLOCKED  { 0, 0 }
#define DEFINE_SPINLOCK(l)  spinlock_t l = SPIN_LOCK_UNLOCKED

static inline void spin_lock_init(spinlock_t *l)
{
    l->head = l->tail = 0;
}

#ifdef KEEL_HOST_TEST
/*
 * Host unit tests are single-threaded and leave BUG() by longjmp, which
 * would leave a real lock held: there the locks only count.
 */
static inline void spin_lock(spinlock_t *l) { l->tail++; l->head = l->tail; }
static inline bool spin_trylock(spinlock_t *l) { spin_lock(l); return true; }
static inline void spin_unlock(spinlock_t *l) { (void)l; }
#else
static inline void spin_lock(spinlock_t *l)
{
    uint16_t me = __atomic_fetch_add(&l->tail, 1, __ATOMIC_ACQUIRE);

    while ( __atomic_load_n(&l->head, __ATOMIC_ACQUIRE) != me )
        __builtin_ia32_pause();
}

static inline bool spin_trylock(spinlock_t *l)
{
    uint16_t h = __atomic_load_n(&l->head, __ATOMIC_RELAXED);
    uint32_t old = ((uint32_t)h << 16) | h;    /* head == tail == h */
    uint32_t new = ((uint32_t)(uint16_t)(h + 1) << 16) | h;

    return __atomic_compare_exchange_n((uint32_t *)l, &old, new, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->head, (uint16_t)(l->head + 1), __ATOMIC_RELEASE);
}

#endif

static inline bool spin_is_locked(const spinlock_t *l)
{
    return l->head != l->tail;
}

#ifndef KEEL_HOST_TEST
#include <asm/processor.h>
#define spin_lock_irqsave(l, f)     do { local_irq_save(f); spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f) do { spin_unlock(l); local_irq_restore(f); } while (0)
#define spin_lock_irq(l)            do { local_irq_disable(); spin_lock(l); } while (0)
#define spin_unlock_irq(l)          do { spin_unlock(l); local_irq_enable(); } while (0)
#endif

/*
 * Reader-writer lock: bit 31 = writer holds it, low bits = reader count.
 * Writers set a pending flag (bit 30) so a stream of readers cannot starve
 * them.
 */
typedef struct rwlock {
    volatile uint32_t cnts;
} rwlock_t;

#define RW_LOCK_UNLOCKED    { 0 }
#define DEFINE_RWLOCK(l)    rwlock_t l = RW_LOCK_UNLOCKED
#define RW_WRITER           0x80000000U
#define RW_PENDING          0x40000000U

static inline void rwlock_init(rwlock_t *l)
{
    l->cnts = 0;
}

static inline void read_lock(rwlock_t *l)
{
    for ( ;; )
    {
        uint32_t c = __atomic_load_n(&l->cnts, __ATOMIC_RELAXED);

        if ( !(c & (RW_WRITER | RW_PENDING)) &&
             __atomic_compare_exchange_n(&l->cnts, &c, c + 1, false,
                                         __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) )
            return;
        __builtin_ia32_pause();
    }
}

static inline void read_unlock(rwlock_t *l)
{
    __atomic_fetch_sub(&l->cnts, 1, __ATOMIC_RELEASE);
}

static inline void write_lock(rwlock_t *l)
{
    __atomic_fetch_or(&l->cnts, RW_PENDING, __ATOMIC_RELAXED);
    for ( ;; )
    {
        uint32_t c = RW_PENDING;

        if ( __atomic_compare_exchange_n(&l->cnts, &c, RW_WRITER, false,
                                         __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) )
            return;
        /* Another writer may have taken it and cleared our pending bit. */
        if ( !(c & RW_PENDING) )
            __atomic_fetch_or(&l->cnts, RW_PENDING, __ATOMIC_RELAXED);
        __builtin_ia32_pause();
    }
}

static inline void write_unlock(rwlock_t *l)
{
    __atomic_fetch_and(&l->cnts, ~RW_WRITER, __ATOMIC_RELEASE);
}

#endif
