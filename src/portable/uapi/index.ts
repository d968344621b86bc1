export * from './ioctl';
export * from './sizes';
export * from './userfaultfd';
export * from './structs';
export * from './msg';
export * from './errno';
export * from './names';
export * from './history';
