/** Independent random streams per subject: changing what one section draws never shifts another. */
export enum Stream {
  Profile = 1,
  Person = 2,
  Market = 3,
  Abnormal = 4,
  Penalties = 5,
  Tax = 6,
  Court = 7,
  Customs = 8,
  Finance = 9,
}

