/** A town the demo business serves: its streets and the postal codes used there. */
export interface DemoTown {
  city: string
  state: string
  postalCodes: string[]
  streets: string[]
  /** Relative share of the customers. */
  weight: number
}

/** Madison, Huntsville and Owens Cross Roads, Alabama, with streets of the kind found there. */
export const TOWNS: DemoTown[] = [
  {
    city: 'Madison',
    state: 'AL',
    postalCodes: ['35758', '35756'],
    weight: 4,
    streets: [
      'Hughes Rd',
      'Palmer Rd',
      'Gillespie Rd',
      'Balch Rd',
      'Hardiman Rd',
      'Wall Triana Hwy',
      'Browns Ferry Rd',
      'Mill Rd',
      'Shiloh Ln',
      'Eastview Dr',
      'Celtic Dr',
      'Wellington Ct',
      'Sullivan St',
      'Oakhurst Dr',
      'Heritage Oaks Dr',
      'Carrington Ln',
      'Kyser Blvd',
      'Arbor Creek Dr',
      'Lanier Rd',
      'Burgreen Rd',
    ],
  },
  {
    city: 'Huntsville',
    state: 'AL',
    weight: 5,
    postalCodes: ['35801', '35802', '35803', '35804', '35805', '35806', '35810', '35811', '35816'],
    streets: [
      'Whitesburg Dr',
      'Bailey Cove Rd',
      'Airport Rd',
      'Governors Dr',
      'Monte Sano Blvd',
      'Drake Ave',
      'Jordan Ln',
      'Weatherly Rd',
      'Four Mile Post Rd',
      'Hobbs Rd',
      'Carl T Jones Dr',
      'Oakwood Ave',
      'Holmes Ave',
      'Franklin St',
      'McClung Ave',
      'Lily Flagg Rd',
      'Byrd Spring Rd',
      'Mastin Lake Rd',
      'Winchester Rd',
      'Blue Spring Rd',
      'Sparkman Dr',
    ],
  },
  {
    city: 'Owens Cross Roads',
    state: 'AL',
    postalCodes: ['35763'],
    weight: 2,
    streets: [
      'Old Highway 431',
      'Cherry Tree Rd',
      'Hampton Cove Way',
      'Taylor Rd',
      'Sutton Rd',
      'Big Cove Rd',
      'Old Big Cove Rd',
      'Reservation Rd',
      'Hickory Hill Dr',
      'Lake Forest Dr',
      'Eagle Bend Dr',
      'Pinehurst Cir',
    ],
  },
]
