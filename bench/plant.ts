/** The benchmark plant's machine ids, shared by the publisher and the benchmarks that check on its machines. */
export const benchMachineId = (i: number) => `bench/line${i % 10}/M${String(i).padStart(4, '0')}`;
