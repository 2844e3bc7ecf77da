;; The long plain runs of JSON strings, 16 bytes a step with WebAssembly's 128-bit SIMD: the loop
;; that reads most of a collapse-JSON record. json-text.ts copies a record into this memory and
;; asks where a run that starts at `at` ends. scripts/wasm.ts compiles this file into
;; plain-run-wasm.ts, the module's bytes in base64. (Steps of 64 bytes, or the test in a function
;; of its own, measured slower: V8 does not inline the call.)
(module
  (memory (export "memory") 1)

  ;; The index of the first byte in [at, end) that is a control character, a quote or a
  ;; backslash, or end when there is none.
  (func (export "plainEnd") (param $at i32) (param $end i32) (result i32)
    (local $bytes v128)
    (local $stops i32)
    (local $byte i32)
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.gt_u (i32.add (local.get $at) (i32.const 16)) (local.get $end)))
        (local.set $bytes (v128.load (local.get $at)))
        ;; a lane's bit is set where its byte ends the run: below 0x20 (unsigned: 0x80 and above
        ;; are plain), a quote, or a backslash
        (local.set $stops
          (i8x16.bitmask
            (v128.or
              (v128.or
                (i8x16.lt_u (local.get $bytes) (v128.const i8x16 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20))
                (i8x16.eq (local.get $bytes) (v128.const i8x16 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22)))
              (i8x16.eq (local.get $bytes) (v128.const i8x16 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c)))))
        (if (local.get $stops) (then (return (i32.add (local.get $at) (i32.ctz (local.get $stops))))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $blocks)))
    ;; fewer than 16 bytes left: one at a time
    (block $bytesDone
      (loop $eachByte
        (br_if $bytesDone (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $byte (i32.load8_u (local.get $at)))
        (br_if $bytesDone (i32.lt_u (local.get $byte) (i32.const 0x20)))
        (br_if $bytesDone (i32.eq (local.get $byte) (i32.const 0x22)))
        (br_if $bytesDone (i32.eq (local.get $byte) (i32.const 0x5c)))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $eachByte)))
    (local.get $at)))
