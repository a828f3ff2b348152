// Which words the tree-sitter path classifies as keywords, per language: the grammar's anonymous
// word tokens (read from `Language.types`), the named keyword leaves of categorize.ts
// (`true`/`null`/`this`/..., `primitive_type`, `predefined_type`), minus the words the grammars
// treat as names in most positions. Words the grammar accepts as names too ("contextual" keywords
// such as JS `get`, `of`, `from`) are keywords only when the next token is a name or a literal
// (see c-like.ts), which matches tree-sitter on the files measured in test/core/spans/lexical.test.ts.

const set = (s: string): ReadonlySet<string> => new Set(s.split(/\s+/).filter(Boolean));

export interface WordSets {
  /** Keywords in every position but after a member access (see `propertyAfterDot`). */
  readonly reserved: ReadonlySet<string>;
  /** Keywords only when a name, literal, `{` or `*` follows. */
  readonly contextual: ReadonlySet<string>;
}

const JS_RESERVED = 'break case catch class const continue debugger default delete do else export extends false finally for ' +
  'function if import in instanceof new null return super switch this throw true try typeof undefined var void while with yield await let';
const JS_CONTEXTUAL = 'as async from get of set static target meta using';
const TS_RESERVED = JS_RESERVED + ' any boolean number string symbol object never unknown bigint keyof infer is asserts unique enum interface implements';
const TS_CONTEXTUAL = JS_CONTEXTUAL + ' abstract accessor declare global module namespace override private protected public readonly require satisfies type';

const C_PRIMITIVES = 'bool char int float double void size_t ssize_t ptrdiff_t intptr_t uintptr_t charptr_t nullptr_t max_align_t ' +
  'int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t char8_t char16_t char32_t';
const C_RESERVED = C_PRIMITIVES + ' NULL true false _Alignof _Atomic _Generic _Noreturn __alignof __alignof__ __asm__ __attribute__ __based ' +
  '__cdecl __clrcall __declspec __except __extension__ __fastcall __finally __forceinline __inline __inline__ __leave ' +
  '__restrict__ __stdcall __thiscall __thread __try __unaligned __vectorcall _unaligned alignof asm auto break case const constexpr continue ' +
  'default defined do else enum extern for goto if inline long noreturn nullptr offsetof register restrict return short ' +
  'signed sizeof static struct switch thread_local typedef union unsigned volatile while';
const CPP_RESERVED = C_RESERVED + ' _Alignas _Nonnull __asm __attribute __volatile__ alignas and and_eq bitand bitor catch class co_await co_return ' +
  'co_yield compl concept consteval constinit decltype delete explicit export final friend mutable namespace new noexcept not not_eq ' +
  'operator or or_eq override private protected public requires static_assert template this throw try typename using virtual xor xor_eq';

export const WORDS: Readonly<Record<string, WordSets>> = {
  javascript: { reserved: set(JS_RESERVED), contextual: set(JS_CONTEXTUAL) },
  typescript: { reserved: set(TS_RESERVED), contextual: set(TS_CONTEXTUAL) },
  tsx: { reserved: set(TS_RESERVED), contextual: set(TS_CONTEXTUAL) },
  java: {
    reserved: set('abstract assert boolean break byte case catch char class continue default do double else enum extends final finally ' +
      'float for if implements import instanceof int interface long native new package private protected public return short static ' +
      'strictfp super switch synchronized this throw throws transient try void volatile while true false null'),
    contextual: set('exports module non-sealed open opens permits provides record requires sealed to transitive uses when with yield var'),
  },
  go: {
    reserved: set('break case chan const continue default defer else fallthrough for func go goto if import interface map package range ' +
      'return select struct switch type var true false nil iota'),
    contextual: set(''),
  },
  rust: {
    reserved: set('as async await break const continue dyn else enum extern false fn for if impl in let loop macro_rules! match mod move ' +
      'pub ref return static struct trait true type union unsafe use where while yield self super ' +
      'bool char str u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize f32 f64'),
    contextual: set('default gen raw'),
  },
  c: { reserved: set(C_RESERVED), contextual: set('') },
  cpp: { reserved: set(CPP_RESERVED), contextual: set('module import') },
  csharp: {
    reserved: set('abstract as base bool break byte case catch char checked class const continue decimal default delegate do double else ' +
      'enum event explicit extern false finally fixed float for foreach goto if implicit in int interface internal is lock long namespace ' +
      'new null object operator out override params private protected public readonly ref return sbyte sealed short sizeof stackalloc ' +
      'static string struct switch this throw true try typeof uint ulong unchecked unsafe ushort using virtual void volatile while ' +
      'nint nuint dynamic'),
    contextual: set('add alias and ascending async await by descending equals file from get global group init into join let managed ' +
      'nameof not notnull on or orderby partial record remove required scoped select set unmanaged value var when where with yield'),
  },
};
